/**
 * Starts one real Temporal dev server and one real NATS server for the whole run, on free ports and
 * in a temporary folder, and stops them afterwards, whether the tests passed or not.
 * Time-skipping tests start their own test server per file (see time-skipping.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import {
  freePort,
  startNatsServer,
  startTemporalDevServer,
  type ServerHandle,
} from '../../scripts/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    natsUrl: string;
    natsPort: number;
    stackDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'hiring-test-'));
  const servers: ServerHandle[] = [];
  const teardown = async () => {
    for (const s of servers.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [temporalPort, natsPort] = [await freePort(), await freePort()];
    servers.push(
      await startTemporalDevServer({
        port: temporalPort,
        dbFile: join(dir, 'temporal.sqlite'),
        namespace: 'default',
        logDir: join(dir, 'logs'),
      }),
    );
    servers.push(
      await startNatsServer({ port: natsPort, storeDir: join(dir, 'nats'), logDir: join(dir, 'logs') }),
    );
    project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
    project.provide('natsUrl', `nats://127.0.0.1:${natsPort}`);
    project.provide('natsPort', natsPort);
    project.provide('stackDir', dir);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
