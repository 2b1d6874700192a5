// Model contracts: the YAML beside each model that says what it is, what it reads and what it promises.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { UserError } from './errors.ts';

export const LAYERS = ['staging', 'core', 'published'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ColumnContract {
  name: string;
  type: string;
  description: string;
  unit?: string;
  /**
   * Published models: `key` (a dimension or time column of the grain), `metric` (a registry metric,
   * named by its id) or `attribute` (anything else: intervals, statuses, labels).
   */
  kind?: 'key' | 'metric' | 'attribute';
}

/** A raw snapshot, another model, or a table from the metric registry (`thresholds`). */
export type InputRef = { raw: string } | { model: string } | { registry: 'thresholds' };

/** What a failing contract test does: `error` holds the model and its descendants back; `warn` only records it. */
export type Severity = 'error' | 'warn';

export interface ModelContract {
  name: string;
  layer: Layer;
  description: string;
  inputs: InputRef[];
  primary_key: string[];
  columns: ColumnContract[];
  tests?: {
    not_null?: string[];
    accepted_values?: Record<string, (string | number | boolean)[]>;
    /**
     * Other checks as SQL returning offending rows; each must return none. `severity: warn` (as in
     * dbt) records a failure without holding the model back: for range and plausibility checks,
     * where an offending row is a fact about the network rather than a bug of ours.
     */
    expect_no_rows?: { name: string; sql: string; severity?: Severity }[];
  };
  /** Published models only: the dataset they become. */
  dataset?: string;
}

export interface Model {
  contract: ModelContract;
  sql: string;
  sqlPath: string;
  contractPath: string;
}

const ALLOWED_KEYS = new Set(['name', 'description', 'inputs', 'primary_key', 'columns', 'tests', 'dataset']);

function fail(path: string, problem: string, fix: string): never {
  throw new UserError(`model contract ${path}: ${problem}`, fix);
}

export function loadContract(path: string, layer: Layer): ModelContract {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') fail(path, 'is empty', 'write a contract: name, description, inputs, primary_key, columns');
  for (const k of Object.keys(doc)) if (!ALLOWED_KEYS.has(k)) fail(path, `unknown key "${k}"`, `use only ${[...ALLOWED_KEYS].join(', ')}`);
  const name = doc.name;
  if (typeof name !== 'string' || name !== basename(path, '.yml')) fail(path, `name must equal the file name`, `set name: ${basename(path, '.yml')}`);
  const description = String(doc.description ?? '');
  if (!/One row per /i.test(description)) {
    fail(path, 'description does not state the grain', 'end the description with "One row per ..."');
  }
  const inputs = (doc.inputs ?? []) as InputRef[];
  if (!Array.isArray(inputs) || inputs.length === 0) fail(path, 'declares no inputs', 'list inputs as - raw: <source>/<entity> or - model: <name>');
  const columns = doc.columns as ColumnContract[];
  if (!Array.isArray(columns) || columns.length === 0) fail(path, 'declares no columns', 'list every output column with name, type and description');
  for (const c of columns) {
    if (!c.name || !c.type || !c.description) fail(path, `column ${JSON.stringify(c)} lacks name, type or description`, 'give each column all three');
    if (c.kind !== undefined && !['key', 'metric', 'attribute'].includes(c.kind)) fail(path, `column ${c.name} has kind "${c.kind}"`, 'use key, metric or attribute');
    if (layer === 'published' && c.kind === undefined) fail(path, `published column ${c.name} has no kind`, 'say kind: key, metric or attribute');
  }
  const pk = doc.primary_key as string[];
  if (!Array.isArray(pk) || pk.length === 0) fail(path, 'has no primary_key', 'list the columns that identify a row');
  for (const k of pk) if (!columns.some((c) => c.name === k)) fail(path, `primary key column ${k} is not a declared column`, 'declare it under columns');
  const tests = doc.tests as ModelContract['tests'];
  for (const t of tests?.expect_no_rows ?? []) {
    if (t.severity !== undefined && t.severity !== 'error' && t.severity !== 'warn') fail(path, `test "${t.name}" has severity "${t.severity}"`, 'use severity: error (the default) or warn');
  }
  return { ...(doc as object), layer } as ModelContract;
}

/** Every model under `root` (models/), in no particular order. */
export function discoverModels(root: string): Model[] {
  const out: Model[] = [];
  for (const layer of LAYERS) {
    const dir = join(root, layer);
    if (!existsSync(dir)) continue;
    const walk = (d: string) => {
      for (const ent of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (ent.name.endsWith('.sql')) {
          const contractPath = p.replace(/\.sql$/, '.yml');
          if (!existsSync(contractPath)) {
            throw new UserError(`model ${relative(root, p)} has no contract`, `add ${relative(root, contractPath)} (see models/README.md)`);
          }
          out.push({ contract: loadContract(contractPath, layer), sql: readFileSync(p, 'utf8'), sqlPath: p, contractPath });
        }
      }
    };
    walk(dir);
  }
  const names = new Set<string>();
  for (const m of out) {
    if (names.has(m.contract.name)) throw new UserError(`two models are named ${m.contract.name}`, 'model names must be unique across layers');
    names.add(m.contract.name);
  }
  return out;
}

/** Topological order: every model after the models it reads. */
export function buildOrder(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.contract.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: Model[] = [];
  const visit = (m: Model) => {
    const n = m.contract.name;
    if (done.has(n)) return;
    if (visiting.has(n)) throw new UserError(`models form a cycle through ${n}`, 'a model may not read itself, directly or indirectly');
    visiting.add(n);
    for (const i of m.contract.inputs) {
      if ('model' in i && i.model) {
        const dep = byName.get(i.model);
        if (!dep) throw new UserError(`model ${n} reads unknown model ${i.model}`, `create models/<layer>/${i.model}.sql or fix the input name`);
        visit(dep);
      }
    }
    visiting.delete(n);
    done.add(n);
    order.push(m);
  };
  for (const m of [...models].sort((a, b) => a.contract.name.localeCompare(b.contract.name))) visit(m);
  return order;
}

/** Every model that reads one of `names`, directly or through other models (the names excluded). */
export function descendants(models: Model[], names: Iterable<string>): Set<string> {
  const readers = new Map<string, string[]>();
  for (const m of models) for (const i of m.contract.inputs) if ('model' in i && i.model) readers.set(i.model, [...(readers.get(i.model) ?? []), m.contract.name]);
  const roots = new Set(names);
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const r of readers.get(n) ?? []) {
      if (out.has(r) || roots.has(r)) continue;
      out.add(r);
      visit(r);
    }
  };
  roots.forEach(visit);
  return out;
}

/** Every model `name` reads, directly or through other models (`name` excluded). */
export function ancestors(models: Model[], name: string): Set<string> {
  const byName = new Map(models.map((m) => [m.contract.name, m]));
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const i of byName.get(n)?.contract.inputs ?? []) {
      if (!('model' in i) || !i.model || out.has(i.model)) continue;
      out.add(i.model);
      visit(i.model);
    }
  };
  visit(name);
  return out;
}

/** The raw sources (`<source>` of `- raw: <source>/<entity>`) a model reads, through every model below it, sorted. */
export function rawSources(models: Model[], name: string): string[] {
  const sources = new Set<string>();
  for (const m of models.filter((x) => x.contract.name === name || ancestors(models, name).has(x.contract.name))) {
    for (const i of m.contract.inputs) if ('raw' in i) sources.add(i.raw.split('/')[0]!);
  }
  return [...sources].sort();
}

/** The view name a raw input is exposed under: raw_<source>_<entity>. */
export function rawViewName(ref: string): string {
  return `raw_${ref.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
}
