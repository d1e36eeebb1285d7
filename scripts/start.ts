/**
 * `npm start`: the whole system on its embedded default. The Temporal dev server on a SQLite file and
 * NATS JetStream on disk, both under DATA_DIR, then the worker. A second start finds the same data.
 * Ctrl-C stops every child, the worker first so no task is left half-done.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../schemas/config.js';
import {
  ensurePortFree,
  startNatsServer,
  startTemporalDevServer,
  waitForPort,
  type ServerHandle,
} from './servers.js';

const config = loadConfig();
const dataDir = resolve(config.DATA_DIR);
const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

const say = (msg: string) => process.stdout.write(`${msg}\n`);
const servers: ServerHandle[] = [];
const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<void> {
  // Ctrl-C reaches us more than once (the terminal, tsx relaying it): stop once, and finish it.
  if (stopping) return;
  stopping = true;
  say('\nstopping...');
  for (const child of children.reverse()) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  for (const server of servers.reverse()) await server.stop();
  say('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));

try {
  say(`data folder: ${dataDir}`);
  await ensurePortFree(config.API_PORT, 'the API (API_PORT)');
  servers.push(
    await startTemporalDevServer({
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: join(dataDir, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
      logDir,
      // The Web UI decodes the encrypted payloads through the API, for staff with a token.
      codecEndpoint: `http://127.0.0.1:${config.API_PORT}/codec`,
    }),
  );
  servers.push(await startNatsServer({ port: config.NATS_PORT, storeDir: join(dataDir, 'nats'), logDir }));

  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${config.TEMPORAL_PORT}`,
    NATS_URL: `nats://127.0.0.1:${config.NATS_PORT}`,
    DATA_DIR: dataDir,
  };
  for (const [name, entry] of [
    ['worker', 'workers/main.ts'],
    ['api', 'api/main.ts'],
  ] as const) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: 'inherit', env });
    children.push(child);
    child.once('exit', (code) => {
      if (!stopping) {
        say(`${name} exited (${code}); stopping`);
        void stopAll(1);
      }
    });
  }
  await waitForPort(config.API_PORT, 60_000);

  say('');
  say('INTERPOL hiring engine is running:');
  say(`  Dashboard         http://127.0.0.1:${config.API_PORT}/ (staff, and the candidates' site)`);
  say(`  HTTP API          http://127.0.0.1:${config.API_PORT} (OpenAPI: /openapi.json)`);
  say(`  Temporal Web UI   http://127.0.0.1:${config.TEMPORAL_UI_PORT}`);
  say(`  Temporal gRPC     127.0.0.1:${config.TEMPORAL_PORT} (namespace ${config.TEMPORAL_NAMESPACE})`);
  say(`  NATS JetStream    nats://127.0.0.1:${config.NATS_PORT}`);
  say(`  Email outbox      ${config.SMTP_URL ? 'SMTP' : join(dataDir, 'outbox')}`);
  say(`  Logs              ${logDir}`);
  if (config.WORKER_METRICS_ADDRESS)
    say(`  Worker metrics    http://${config.WORKER_METRICS_ADDRESS}/metrics (Prometheus)`);
  if (config.API_METRICS_ADDRESS)
    say(`  API metrics       http://${config.API_METRICS_ADDRESS}/metrics (Prometheus)`);
  say('Candidates browse the vacancies there, create an account (the code is in the outbox) and apply.');
  say('Staff sign in with a token:');
  say('  `npm run admin-token -- <your-name>` (another terminal) gives the first admin token,');
  say("  and admins add staff (their contact and token) on the dashboard's Staff page.");
  say('Press Ctrl-C to stop.');
} catch (err) {
  process.stderr.write(`start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll(1);
}
