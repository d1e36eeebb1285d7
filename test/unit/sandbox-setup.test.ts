/**
 * The workflow bundle's entry sets the sandbox up before any workflow module builds a schema
 * (workflows/sandbox-setup.ts). Its effect, CPU per workflow, is measured in the README; this checks
 * that the entry sets it at all.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('the workflow sandbox', () => {
  it("runs zod without its JIT: the bundle's entry turns it off", async () => {
    await import('../../workflows/index.js');
    expect(z.config().jitless).toBe(true);
  });
});
