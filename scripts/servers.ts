/**
 * Starts the real servers as child processes: the Temporal dev server (SQLite, Web UI) and NATS
 * with JetStream. Used by `npm start` and by the test suite's global setup.
 */
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '../schemas/search-attributes.js';
import { binaryPath } from './binaries.mjs';

export interface ServerHandle {
  name: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => (s.destroy(), resolve(false)));
      s.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/**
 * Starts something on a free port, trying another port if that one was taken in between (a free
 * port is only free until someone binds it: another server starting beside ours, or one of the
 * ports the Temporal dev server opens for its own services).
 */
export async function onFreePort(start: (port: number) => Promise<void>, attempts = 3): Promise<number> {
  for (let i = 1; ; i++) {
    const port = await freePort();
    try {
      await start(port);
      return port;
    } catch (err) {
      if (i >= attempts || !(err instanceof Error && /already in use/.test(err.message))) throw err;
    }
  }
}

/**
 * Why a server's process ended before it listened, as far as its log says: a port it needed was
 * taken ("address already in use", in Temporal's and NATS's own words), or nothing known.
 */
export function startFailure(logText: string): string {
  return /address already in use/i.test(logText) ? ': a port it needs was already in use' : '';
}

function logOf(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** True when nothing listens on the port on loopback. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Refuses to start on a port that something else holds: we would talk to the wrong server. */
export async function ensurePortFree(port: number, what: string): Promise<void> {
  if (!(await portIsFree(port)))
    throw new Error(`port ${port} for ${what} is already in use (is another \`npm start\` running?)`);
}

function launch(name: string, bin: string, args: string[], logFile: string): ServerHandle {
  const log = createWriteStream(logFile, { flags: 'a' });
  // A process group of its own, so stop() reaches any helper it forks and Ctrl-C is ours to route.
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  // Its own process group also means it outlives us: if we exit without stop() (a test run that
  // ended on an uncaught error, a script that called process.exit), nobody could stop it any more.
  // Ask it to stop as we go. (A SIGKILL of this process cannot be caught; stop() is the normal path.)
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) kill('SIGTERM');
  };
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  return {
    name,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

export interface TemporalServerOptions {
  port: number;
  /** undefined: headless, no Web UI. */
  uiPort?: number;
  dbFile: string;
  namespace: string;
  logDir: string;
  codecEndpoint?: string;
  /** SQLite pragmas; by default SQLITE_PRAGMAS. */
  sqlitePragmas?: string[];
}

/**
 * Write-ahead logging: one fsync per commit instead of the rollback journal's several, and still
 * durable (synchronous stays FULL). On this machine's disk it is what makes the dev server usable
 * under load: see the README's performance section and `npm run bench -- --sqlite-pragma
 * journal_mode=delete` for the comparison.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal'];

export async function startTemporalDevServer(opts: TemporalServerOptions): Promise<ServerHandle> {
  mkdirSync(opts.logDir, { recursive: true });
  await ensurePortFree(opts.port, 'the Temporal server (TEMPORAL_PORT)');
  if (opts.uiPort) await ensurePortFree(opts.uiPort, 'the Temporal Web UI (TEMPORAL_UI_PORT)');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db-filename',
    opts.dbFile,
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
    ...(opts.sqlitePragmas ?? SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
    ...SEARCH_ATTRIBUTES.flatMap((a) => [
      '--search-attribute',
      `${a.name}=${searchAttributeTypeName(a.type)}`,
    ]),
  ];
  const handle = launch('temporal', binaryPath('temporal'), args, join(opts.logDir, 'temporal.log'));
  try {
    await waitForPort(opts.port, 60_000, handle.process);
    await waitForNamespace(`127.0.0.1:${opts.port}`, opts.namespace, 60_000);
  } catch (err) {
    await handle.stop();
    const log = join(opts.logDir, 'temporal.log');
    throw new Error(
      `Temporal dev server did not start (see ${log}): ${String(err)}${startFailure(logOf(log))}`,
    );
  }
  return handle;
}

function searchAttributeTypeName(type: string): string {
  const names: Record<string, string> = {
    KEYWORD: 'Keyword',
    DATETIME: 'Datetime',
    INT: 'Int',
    TEXT: 'Text',
    BOOL: 'Bool',
    DOUBLE: 'Double',
    KEYWORD_LIST: 'KeywordList',
  };
  return names[type] ?? type;
}

export async function waitForNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // The first connection is retried too: on a loaded machine the server opens its port some
    // seconds before it answers, longer than the client's own connect deadline (a test of
    // `npm start` failed so, run beside the rest of the suite).
    const connection = await Connection.connect({ address, connectTimeout: '5 seconds' }).catch(
      (err: unknown) => {
        if (Date.now() > until) throw err;
        return undefined;
      },
    );
    try {
      if (connection) {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      }
    } catch (err) {
      if (Date.now() > until) throw err;
    } finally {
      await connection?.close();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface NatsServerOptions {
  port: number;
  storeDir: string;
  logDir: string;
}

export async function startNatsServer(opts: NatsServerOptions): Promise<ServerHandle> {
  mkdirSync(opts.storeDir, { recursive: true });
  await ensurePortFree(opts.port, 'NATS (NATS_PORT)');
  mkdirSync(opts.logDir, { recursive: true });
  const conf = join(opts.storeDir, '..', `nats-${opts.port}.conf`);
  // sync_interval: always: a single node must not lose an acknowledged event on a crash.
  writeFileSync(
    conf,
    [
      `listen: 127.0.0.1:${opts.port}`,
      'jetstream {',
      `  store_dir: ${JSON.stringify(opts.storeDir)}`,
      '  sync_interval: always',
      '}',
      '',
    ].join('\n'),
  );
  const handle = launch('nats', binaryPath('nats'), ['-c', conf], join(opts.logDir, 'nats.log'));
  try {
    await waitForPort(opts.port, 30_000, handle.process);
  } catch (err) {
    await handle.stop();
    const log = join(opts.logDir, 'nats.log');
    throw new Error(`NATS server did not start (see ${log}): ${String(err)}${startFailure(logOf(log))}`);
  }
  return handle;
}
