/**
 * There is no Docker engine here, so the production topology is checked as data: every service the
 * code expects is there, healthy-checked, wired with the variables the config schema reads, and
 * without a secret written in the file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../../schemas/config.js';
import { SEARCH_ATTRIBUTES } from '../../schemas/search-attributes.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: string | number };
  volumes?: string[];
  ports?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const configKeys = Object.keys(ConfigSchema.shape);

describe('docker-compose.yml', () => {
  it('has every service of the production topology', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'nats', 'worker', 'api']),
    );
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services.nats!.command).toEqual(expect.arrayContaining(['--jetstream', '--store_dir', '/data']));
    expect(services.nats!.volumes?.[0]).toMatch(/^nats-data:/);
  });

  it('health-checks every long-running service', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'temporal-setup') continue;
      expect(s.healthcheck?.test, name).toBeDefined();
    }
  });

  it('builds the worker from the repository and lets it scale', () => {
    expect(services.worker!.build).toBe('.');
    expect(String(services.worker!.deploy?.replicas)).toMatch(/WORKER_REPLICAS/);
    // Each replica serves its metrics, and is healthy while it does.
    expect(services.worker!.environment!.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    expect(services.worker!.healthcheck!.test.join(' ')).toContain('127.0.0.1:9464/metrics');
  });

  it('serves the API metrics on the compose network only, not on the published port', () => {
    expect(services.api!.environment!.API_METRICS_ADDRESS).toBe('0.0.0.0:9465');
    expect(services.api!.ports).toEqual(['3000:3000']);
  });

  for (const name of ['worker', 'api']) {
    it(`wires the ${name} with exactly the variables the config schema reads, to the right services`, () => {
      const env = services[name]!.environment!;
      for (const key of Object.keys(env)) expect(configKeys, `${key} is not read by the code`).toContain(key);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.NATS_URL).toBe('nats://nats:4222');
      // The values parse as the code would parse them; required secrets come from outside.
      const resolved = Object.entries(env)
        .filter(([, v]) => !/^\$\{[A-Z_]+:\?/.test(String(v)))
        .map(([k, v]) => [k, String(v).replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1')] as const)
        .filter(([, v]) => v !== '');
      const parsed = ConfigSchema.safeParse(Object.fromEntries(resolved));
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(String(env.MASTER_KEY)).toMatch(/^\$\{MASTER_KEY:\?/);
    });
  }

  it('registers every search attribute the workflows write', () => {
    const setup = JSON.stringify(services['temporal-setup']!.command);
    for (const a of SEARCH_ATTRIBUTES) expect(setup).toContain(`${a.name}=`);
  });

  it('keeps secrets out of the file', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|PWD|SECRET|TOKEN|KEY/.test(key)) {
          expect(String(value), `${name}.${key}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/);
        }
      }
    }
  });
});
