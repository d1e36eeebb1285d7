/**
 * Whether this API process can serve: its Temporal server and its NATS server both answer. For a
 * load balancer or an orchestrator's readiness probe (`GET /ready`); `GET /health` says only that
 * the process is up, so a probe that restarts on failure does not restart the API for an outage
 * of something else.
 */
import type { Client } from '@temporalio/client';
import type { NatsResources } from '../activities/nats.js';

export type Readiness = { ready: boolean; temporal: 'up' | 'down'; nats: 'up' | 'down' };

export async function readiness(
  deps: { client: Client; nats: Pick<NatsResources, 'nc'> },
  timeoutMs = 2000,
): Promise<Readiness> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref()),
    ]);
  const [temporal, nats] = await Promise.all([
    deps.client.connection
      .withDeadline(Date.now() + timeoutMs, () => deps.client.connection.workflowService.getSystemInfo({}))
      .then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    // A round trip to the server: while it is away the connection reconnects and this waits.
    (deps.nats.nc.isClosed() ? Promise.reject(new Error('closed')) : within(deps.nats.nc.rtt())).then(
      () => 'up' as const,
      () => 'down' as const,
    ),
  ]);
  return { ready: temporal === 'up' && nats === 'up', temporal, nats };
}
