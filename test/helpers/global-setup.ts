/**
 * Starts one real Temporal dev server and one real NATS server for the whole run, on free ports and
 * in a temporary folder, and stops them afterwards, whether the tests passed or not.
 * Time-skipping tests start their own test server per file (see time-skipping.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import {
  onFreePort,
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
    /** One master key for the run, as one deployment has: every client decodes every payload. */
    masterKey: string;
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
    // Each port is chosen just before its server starts: the Temporal dev server opens more ports
    // of its own (history, matching, HTTP), which could take a port chosen earlier.
    const temporalPort = await onFreePort(async (port) => {
      servers.push(
        await startTemporalDevServer({
          port,
          dbFile: join(dir, 'temporal.sqlite'),
          namespace: 'default',
          logDir: join(dir, 'logs'),
        }),
      );
    });
    const natsPort = await onFreePort(async (port) => {
      servers.push(await startNatsServer({ port, storeDir: join(dir, 'nats'), logDir: join(dir, 'logs') }));
    });
    project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
    project.provide('natsUrl', `nats://127.0.0.1:${natsPort}`);
    project.provide('natsPort', natsPort);
    project.provide('stackDir', dir);
    project.provide('masterKey', randomBytes(32).toString('base64'));
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
