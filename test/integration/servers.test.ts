/**
 * The servers we start (NATS, the Temporal dev server) run in process groups of their own, so they
 * outlive the process that started them unless it stops them. A test run that ended on an uncaught
 * error left its dev server and NATS server running (three pairs after one afternoon of failing
 * runs). Here a process starts a NATS server and exits without stopping it: the server must go too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { waitForNamespace } from '../../scripts/servers.js';
import { eventually } from '../helpers/application-harness.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('servers we start', () => {
  it('stop when the process that started them exits without stopping them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hiring-orphan-'));
    const script = join(dir, 'start-and-exit.mts');
    const servers = pathToFileURL(resolve('scripts/servers.ts')).href;
    writeFileSync(
      script,
      [
        `import { freePort, startNatsServer } from ${JSON.stringify(servers)};`,
        `const nats = await startNatsServer({ port: await freePort(), storeDir: ${JSON.stringify(join(dir, 'nats'))}, logDir: ${JSON.stringify(join(dir, 'logs'))} });`,
        'console.log(nats.process.pid);',
        // No stop(): as a run that dies on an uncaught error.
        'process.exit(3);',
      ].join('\n'),
    );
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 }, (err, out) => {
        if (err && err.code !== 3) fail(new Error(`the script failed: ${err.message}`));
        else done(out);
      }),
    );
    const pid = Number(stdout.trim());
    try {
      expect(pid).toBeGreaterThan(0);
      await eventually(
        () => Promise.resolve(alive(pid)),
        (isAlive) => !isAlive,
      );
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('waiting for the Temporal server', () => {
  it('waits through a server that takes its port seconds before it answers', async () => {
    // A port that takes connections and says nothing for 12 s (as a dev server that has opened its
    // port but not yet answers, on a loaded machine), then passes them to the real server. The
    // client's connect gives up after 10 s on its own: a test of `npm start` once failed so.
    const [host, port] = inject('temporalAddress').split(':') as [string, string];
    const opensAt = Date.now() + 12_000;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      sockets.add(client);
      const forward = () => {
        const upstream = connect(Number(port), host);
        sockets.add(upstream);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      };
      client.on('error', () => undefined);
      setTimeout(forward, Math.max(0, opensAt - Date.now()));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      await waitForNamespace(address, 'default', 60_000);
      expect(Date.now()).toBeGreaterThanOrEqual(opensAt);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  }, 90_000);
});
