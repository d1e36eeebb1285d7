/**
 * The API's Prometheus metrics, for the operator beside the worker's (WORKER_METRICS_ADDRESS):
 * requests by route and status with their latency, recruiters' transitions by command and answer,
 * and the read side (how many events the projector has still to apply, how many it failed to, how
 * many applications the lists are answered from). Served on an address of its own
 * (API_METRICS_ADDRESS), not on the public API: a scrape needs no token and the public gets none.
 * Labels are route templates and command names, never ids: no person is in a metric.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the metrics read from the read side at each scrape. */
export interface ReadSideGauges {
  /** Events in the stream the projector has not applied yet (waiting, or delivered and not acked). */
  pendingEvents(): Promise<number>;
  /** Applications the index holds, which the lists and figures are answered from. */
  indexedApplications(): number;
}

export interface ApiMetrics {
  readonly registry: Registry;
  /** An answer sent: `route` is the route's template (`/applications/:positionId/:candidateId`), or `unmatched`. */
  answered(method: string, route: string, status: number, seconds: number): void;
  /** A transition asked through the API: `command` is its type (`invalid` when the request was not one). */
  transition(command: string, status: number): void;
  /** The projector failed to apply an event (it is delivered again). */
  projectorFailed(): void;
}

export function createApiMetrics(readSide: ReadSideGauges): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'hiring_api_requests_total',
    help: 'Requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'hiring_api_request_duration_seconds',
    help: 'Time from request to answer, by method and route template.',
    labelNames: ['method', 'route'] as const,
    // An update waits for the workflow: most answers take tens of ms, a busy one a second or more.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'hiring_transitions_total',
    help: 'Transitions asked through the API, by command and answer (200 done, 409 refused by the workflow, 4xx bad request).',
    labelNames: ['command', 'status'] as const,
    registers: [registry],
  });
  const projectorFailures = new Counter({
    name: 'hiring_projector_failed_deliveries_total',
    help: 'Events the projector failed to apply (each is delivered again, up to 50 times).',
    registers: [registry],
  });
  new Gauge({
    name: 'hiring_readside_pending_events',
    help: 'Events in the stream the projector has not applied yet: the lists lag the workflows by these.',
    registers: [registry],
    async collect() {
      this.set(await readSide.pendingEvents());
    },
  });
  new Gauge({
    name: 'hiring_readside_applications',
    help: 'Applications in the index the lists and figures are answered from.',
    registers: [registry],
    collect() {
      this.set(readSide.indexedApplications());
    },
  });
  return {
    registry,
    answered(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    transition(command, status) {
      transitions.inc({ command, status: String(status) });
    },
    projectorFailed() {
      projectorFailures.inc();
    },
  };
}

/** Serves `GET /metrics` on `address` (host:port); resolves once listening. */
export async function serveMetrics(registry: Registry, address: string): Promise<Server> {
  const at = address.lastIndexOf(':');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500).end(`metrics failed: ${err instanceof Error ? err.message : 'error'}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(at + 1)), address.slice(0, at), resolve);
  });
  return server;
}
