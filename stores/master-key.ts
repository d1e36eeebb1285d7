import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../schemas/config.js';

/**
 * The key that wraps every candidate's data key. In production it comes from the environment
 * (MASTER_KEY, base64 of 32 bytes, from a secret store); on the embedded default it is created once
 * under DATA_DIR, readable by its owner only.
 */
export function loadMasterKey(config: Config): Buffer {
  if (config.MASTER_KEY) return Buffer.from(config.MASTER_KEY, 'base64');
  const file = join(config.DATA_DIR, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // The worker and the API start together: whoever writes first wins, the other reads it.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
