/**
 * Dependencies point one way (README, "Find your way around"): each folder imports only the layers
 * its row names, and no module reaches itself again through value imports. Read from the sources
 * with TypeScript's own parser, so a new import that breaks the direction fails here, by name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const LAYERS = [
  'schemas',
  'workflows',
  'activities',
  'stores',
  'readside',
  'workers',
  'api',
  'cli',
  'dashboard',
  'scripts',
  'bench',
] as const;
type Layer = (typeof LAYERS)[number] | 'test';

/**
 * What each layer may import besides itself: a layer, `<layer>:type` for type-only imports, or one
 * file. Workflows take activities as types for their proxies; activities take the application
 * workflow's message definitions, never the workflow.
 */
const MAY_IMPORT: Record<Exclude<Layer, 'test'>, readonly string[]> = {
  schemas: [],
  workflows: ['schemas', 'activities:type'],
  activities: ['schemas', 'stores', 'workflows/application-messages.ts'],
  stores: ['schemas'],
  readside: ['schemas', 'stores', 'activities:type'],
  workers: ['schemas', 'activities', 'stores'],
  api: ['schemas', 'workflows', 'activities', 'stores', 'readside'],
  cli: ['schemas'],
  dashboard: ['schemas'],
  scripts: ['schemas', 'activities', 'stores', 'readside'],
  bench: ['schemas', 'workflows', 'activities', 'stores', 'readside', 'workers', 'api', 'scripts'],
};

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'dist'].includes(e.name) ? [] : sources(path);
    return /\.(ts|tsx|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string {
  const base = join(dirname(from), spec).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, join(base, 'index.ts')]) {
    if (/\.(ts|tsx|mjs)$/.test(candidate) && existsSync(join(ROOT, candidate))) return candidate;
  }
  return base;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.'))
      edges.push({ from: file, to: resolveImport(file, spec.text), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!named &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const layerOf = (file: string): Layer => file.split('/')[0] as Layer;

/** Every import that goes against its layer's row, named. */
function againstTheDirection(edges: readonly Edge[]): string[] {
  return edges.flatMap(({ from, to, typeOnly }) => {
    const [source, target] = [layerOf(from), layerOf(to)];
    if (source === target || source === 'test') return [];
    const allowed = MAY_IMPORT[source];
    const ok =
      allowed.includes(target) || (typeOnly && allowed.includes(`${target}:type`)) || allowed.includes(to);
    return ok ? [] : [`${from} imports ${to}${typeOnly ? ' (types)' : ''}`];
  });
}

/** Every loop of value imports (a module that reaches itself again), as a path. */
function valueLoops(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const loops: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const walk = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      loops.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const to of next.get(file) ?? []) walk(to, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of next.keys()) walk(file, []);
  return loops;
}

const files = LAYERS.filter((l) => existsSync(join(ROOT, l))).flatMap((l) => sources(l));
const edges = files.flatMap(importsOf);

describe('the layers', () => {
  it('are all read, with their imports (so the rules below mean something)', () => {
    expect(new Set(files.map(layerOf))).toEqual(new Set(LAYERS));
    expect(edges.length).toBeGreaterThan(200);
    // The parser tells a type-only import from a value import.
    expect(edges).toContainEqual({ from: 'workflows/effects.ts', to: 'activities/index.ts', typeOnly: true });
    expect(edges).toContainEqual({ from: 'api/server.ts', to: 'api/errors.ts', typeOnly: false });
  });

  it('import only the layers their row names', () => {
    expect(againstTheDirection(edges)).toEqual([]);
  });

  it('have no loop of value imports', () => {
    expect(valueLoops(edges)).toEqual([]);
  });

  it('are checked by rules that catch an import against the direction, and a loop', () => {
    const v = (from: string, to: string): Edge => ({ from, to, typeOnly: false });
    expect(
      againstTheDirection([
        v('stores/x.ts', 'api/server.ts'),
        v('activities/y.ts', 'workflows/application-workflow.ts'),
        v('activities/y.ts', 'workflows/application-messages.ts'),
        { from: 'workflows/a.ts', to: 'activities/index.ts', typeOnly: true },
        v('workflows/a.ts', 'activities/index.ts'),
      ]),
    ).toEqual([
      'stores/x.ts imports api/server.ts',
      'activities/y.ts imports workflows/application-workflow.ts',
      'workflows/a.ts imports activities/index.ts',
    ]);
    expect(valueLoops([v('a.ts', 'b.ts'), v('b.ts', 'c.ts'), v('c.ts', 'a.ts'), v('c.ts', 'd.ts')])).toEqual([
      'a.ts -> b.ts -> c.ts -> a.ts',
    ]);
    // A loop closed by a type-only import is no loop at run time.
    expect(valueLoops([v('a.ts', 'b.ts'), { from: 'b.ts', to: 'a.ts', typeOnly: true }])).toEqual([]);
  });
});
