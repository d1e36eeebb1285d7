/** The linter is part of the safety net: it must refuse non-deterministic workflow code. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function rulesBroken(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint rules for workflow code', () => {
  it('bans Node built-ins, clocks, randomness and floating promises in workflows/', async () => {
    const code = [
      "import { readFileSync } from 'node:fs';",
      "import crypto from 'crypto';",
      'export async function w(): Promise<number> {',
      '  void readFileSync;',
      '  void crypto;',
      '  const t = Date.now() + new Date().getTime() + Math.random();',
      '  Promise.resolve(1);',
      '  return t;',
      '}',
      '',
    ].join('\n');
    const broken = await rulesBroken(code, 'workflows/lint-probe.ts');
    expect(broken.filter((r) => r === 'no-restricted-imports')).toHaveLength(2);
    expect(broken).toContain('no-restricted-properties');
    expect(broken).toContain('no-restricted-syntax');
    expect(broken).toContain('@typescript-eslint/no-floating-promises');
  });

  it('allows the same Node code outside workflows/', async () => {
    const code =
      "import { readFileSync } from 'node:fs';\nexport const f = (): number => Date.now() + readFileSync.length;\n";
    expect(await rulesBroken(code, 'activities/lint-probe.ts')).toEqual([]);
  });
});
