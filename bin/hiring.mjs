#!/usr/bin/env node
// The `hiring` command (package.json "bin"): registers tsx so the TypeScript CLI runs as is.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/hiring.ts');
await runCli();
