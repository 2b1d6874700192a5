// The metric registry (models/metrics/*.yml): loaded, validated, and checked against the published
// contracts, so a metric cannot exist in SQL without an entry or the other way round.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Model } from './contracts.ts';
import { UserError } from './errors.ts';

export const UNITS = ['count', 'ratio', 'percent', 'ms', 's', 'fps', 'wei', 'eth', 'lpt', 'ppm', 'slots', 'gpus', 'bytes', 'score_0_100', 'score_0_1', 'rounds', 'minutes', 'coefficient'] as const;
export const DIMENSIONS = ['orchestrator', 'gateway', 'region', 'pipeline', 'model', 'round', 'traffic_class', 'gpu_model', 'event_family'] as const;
const AGGREGATIONS = ['sum', 'ratio', 'mean_of_parts', 'percentile', 'max', 'min', 'none'] as const;
const DIRECTIONS = ['higher_is_better', 'lower_is_better', 'neutral'] as const;
const STATUSES = ['stable', 'experimental', 'deprecated'] as const;
const SOURCES = ['gateway_events', 'naap', 'prometheus', 'subgraph', 'chain', 'leaderboard', 'loadtest', 'reference'] as const;

export interface Metric {
  id: string;
  family: string;
  title: string;
  definition: string;
  formula: string;
  parts: string[];
  unit: (typeof UNITS)[number];
  aggregation: (typeof AGGREGATIONS)[number];
  grain: ('hour' | 'day' | 'round' | 'run')[];
  dimensions: (typeof DIMENSIONS)[number][];
  direction: (typeof DIRECTIONS)[number];
  thresholds?: { healthy: number; degraded: number };
  status: (typeof STATUSES)[number];
  semantics_version: number;
  source: (typeof SOURCES)[number] | (typeof SOURCES)[number][];
  peer?: { system: string; name: string; ref: string; match: 'exact' | 'adapted' | 'extends'; note?: string };
  datasets: string[];
}

export interface Family {
  family: string;
  title: string;
  file: string;
  metrics: Metric[];
}

const REQUIRED = ['id', 'title', 'definition', 'formula', 'unit', 'aggregation', 'grain', 'dimensions', 'direction', 'status', 'semantics_version', 'source', 'datasets'] as const;

function problem(file: string, id: string, what: string, fix: string): never {
  throw new UserError(`metric registry ${file}: ${id}: ${what}`, fix);
}

function oneOf<T extends string>(file: string, id: string, field: string, value: unknown, allowed: readonly T[]): void {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) if (!allowed.includes(v as T)) problem(file, id, `${field} "${String(v)}" is not allowed`, `use one of ${allowed.join(', ')}`);
}

export function loadRegistry(dir: string): Family[] {
  if (!existsSync(dir)) return [];
  const families: Family[] = [];
  const ids = new Map<string, string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yml')).sort()) {
    const file = join(dir, f);
    const doc = parse(readFileSync(file, 'utf8')) as { family?: string; title?: string; metrics?: Partial<Metric>[] };
    if (!doc?.family || !Array.isArray(doc.metrics)) throw new UserError(`metric registry ${f}: needs family and a metrics list`, 'see models/metrics/README.md');
    if (doc.family !== f.replace(/\.yml$/, '')) throw new UserError(`metric registry ${f}: family "${doc.family}" does not match the file name`, `set family: ${f.replace(/\.yml$/, '')}`);
    const metrics: Metric[] = [];
    for (const raw of doc.metrics) {
      const id = String(raw.id ?? '?');
      for (const k of REQUIRED) if (raw[k] === undefined || raw[k] === '') problem(f, id, `has no ${k}`, 'every entry needs ' + REQUIRED.join(', '));
      if (!/^[a-z][a-z0-9_]*$/.test(id)) problem(f, id, 'id is not a snake_case column name', 'ids are the published column names');
      if (ids.has(id)) problem(f, id, `is also defined in ${ids.get(id)}`, 'one entry per metric');
      ids.set(id, f);
      oneOf(f, id, 'unit', raw.unit, UNITS);
      oneOf(f, id, 'aggregation', raw.aggregation, AGGREGATIONS);
      oneOf(f, id, 'direction', raw.direction, DIRECTIONS);
      oneOf(f, id, 'status', raw.status, STATUSES);
      oneOf(f, id, 'source', raw.source, SOURCES);
      oneOf(f, id, 'dimensions', raw.dimensions, DIMENSIONS);
      oneOf(f, id, 'grain', raw.grain, ['hour', 'day', 'round', 'run']);
      if (raw.thresholds && !(typeof raw.thresholds.healthy === 'number' && typeof raw.thresholds.degraded === 'number')) problem(f, id, 'thresholds need numeric healthy and degraded', 'e.g. { healthy: 0.95, degraded: 0.8 }');
      if (!Array.isArray(raw.datasets) || raw.datasets.length === 0) problem(f, id, 'lists no datasets', 'name the published datasets it is a column of');
      metrics.push({ parts: [], ...raw, family: doc.family } as Metric);
    }
    families.push({ family: doc.family, title: doc.title ?? doc.family, file, metrics });
  }
  // Parts must be metrics too, so every formula is over named, registered quantities.
  for (const fam of families) for (const m of fam.metrics) for (const p of m.parts) if (!ids.has(p)) problem(fam.file, m.id, `part ${p} is not a registry metric`, 'register the part, or fix the name');
  return families;
}

export const allMetrics = (families: Family[]): Metric[] => families.flatMap((f) => f.metrics);

/**
 * Problems between the registry and the published contracts: a `kind: metric` column without an
 * entry that lists its dataset, or an entry missing from a dataset it lists.
 */
export function registryProblems(families: Family[], models: Model[]): string[] {
  const metrics = new Map(allMetrics(families).map((m) => [m.id, m]));
  const published = new Map(models.filter((m) => m.contract.layer === 'published').map((m) => [m.contract.name, m]));
  const out: string[] = [];
  for (const model of published.values()) {
    for (const c of model.contract.columns.filter((x) => x.kind === 'metric')) {
      const m = metrics.get(c.name);
      if (!m) out.push(`${model.contract.name}.${c.name} is a metric column with no registry entry`);
      else if (!m.datasets.includes(model.contract.name)) out.push(`${model.contract.name}.${c.name}: registry entry ${m.id} does not list dataset ${model.contract.name}`);
    }
  }
  for (const m of metrics.values()) {
    for (const d of m.datasets) {
      const model = published.get(d);
      if (!model) out.push(`registry ${m.id} lists dataset ${d}, which is not a published model`);
      else if (!model.contract.columns.some((c) => c.name === m.id && c.kind === 'metric')) out.push(`registry ${m.id} lists ${d}, which has no kind: metric column ${m.id}`);
    }
  }
  return out;
}

/** A metric's docs page as Markdown, generated from its entry (site pages and `lpdata metrics --docs`). */
export function metricPage(m: Metric): string {
  const t = m.thresholds;
  const cmp = m.direction === 'lower_is_better' ? '≤' : '≥';
  return [
    `# ${m.title}`,
    '',
    `\`${m.id}\` · ${m.status} · semantics v${m.semantics_version} · family ${m.family}`,
    '',
    m.definition,
    '',
    '| | |',
    '|---|---|',
    `| formula | \`${m.formula}\` |`,
    `| additive parts | ${m.parts.length ? m.parts.map((p) => `\`${p}\``).join(', ') : '— (itself additive)'} |`,
    `| unit | ${m.unit} |`,
    `| rolls up by | ${m.aggregation} |`,
    `| grain | ${m.grain.join(', ')} |`,
    `| dimensions | ${m.dimensions.join(', ')} |`,
    `| direction | ${m.direction.replaceAll('_', ' ')} |`,
    `| health | ${t ? `healthy ${cmp} ${t.healthy}, degraded ${cmp} ${t.degraded}, else unhealthy` : 'no threshold'} |`,
    `| source | ${[m.source].flat().join(', ')} |`,
    `| datasets | ${m.datasets.map((d) => `\`${d}\``).join(', ')} |`,
    `| matches | ${m.peer ? `${m.peer.system} \`${m.peer.name}\` (${m.peer.match}; ${m.peer.ref})${m.peer.note ? ` — ${m.peer.note}` : ''}` : 'no existing definition; defined here'} |`,
    '',
  ].join('\n');
}
