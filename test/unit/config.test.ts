import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, parseConfig } from '../../schemas/config.js';

describe('configuration', () => {
  it('has defaults for the embedded system', () => {
    const config = ConfigSchema.parse({});
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      NATS_URL: 'nats://127.0.0.1:4222',
      TEMPORAL_TASK_QUEUE: 'hiring-applications',
    });
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ SMTP_URL: '' }).success).toBe(true);
  });

  it('names the variable and the rule when a value is bad', () => {
    const r = parseConfig({ NATS_URL: 'localhost', API_PORT: '99999' });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('NATS_URL: nats://host:port, e.g. nats://127.0.0.1:4222');
    expect(messages.some((m) => m.startsWith('API_PORT:'))).toBe(true);
  });

  it("takes the API's trusted proxies as addresses or ranges only", () => {
    expect(parseConfig({ API_TRUST_PROXY: '10.0.0.5,10.0.1.0/24,::1' }).success).toBe(true);
    const r = parseConfig({ API_TRUST_PROXY: 'true' });
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'API_TRUST_PROXY: addresses or ranges, e.g. 10.0.0.5,10.0.1.0/24',
    ]);
    expect(ConfigSchema.parse({}).API_RATE_LIMIT).toBe(20);
  });

  it('stops a process with one readable line', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: { ...process.env, NATS_URL: 'http://wrong' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'configuration error: NATS_URL: nats://host:port, e.g. nats://127.0.0.1:4222',
    ]);
  });
});
