// Builds models in dependency order. Each model runs in a fresh DuckDB session that can open only
// the files of the inputs it declares and the one file it writes; run parameters (the window, the
// hashing key) are bound as variables, so no model reads the clock.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOrder, descendants, discoverModels, rawViewName, type Model, type Severity } from './contracts.ts';
import { openSession, queryRows, sqlIdent, sqlString } from './duckdb.ts';
import { UserError } from './errors.ts';
import type { Logger } from './log.ts';
import { checkLayers, REGISTRY_VIEWS } from './model-check.ts';
import { allMetrics, loadRegistry } from './metrics.ts';
import { MACROS_FILE, METRICS_DIR } from './paths.ts';
import { RECORDS_FILE } from './snapshot.ts';
import { DAY_MS, iso, isoDay, ms, type Window } from './time.ts';

export interface BuildOptions {
  modelsDir: string;
  /** The metric registry, for models that read `- registry: thresholds`; default models/metrics beside modelsDir. */
  metricsDir?: string;
  dataDir: string;
  window: Window;
  hashKey: string;
  log: Logger;
}

export interface TestResult {
  model: string;
  test: string;
  passed: boolean;
  severity: Severity;
  detail?: string;
  /** A few offending rows, for the person fixing it; kept in the build report, never published. */
  sample?: Record<string, unknown>[];
}

export interface BuiltModel {
  name: string;
  layer: string;
  path: string;
  rows: number;
  duration_ms: number;
  tests: TestResult[];
}

/** A model with a failing `error` test, or whose query did not run: nothing of it is written. */
export interface FailedModel {
  name: string;
  layer: string;
  tests: TestResult[];
  /** The query's own error, when it failed before its tests could run. */
  error?: string;
}

/** A model not built because a model it reads, directly or not, failed. */
export interface HeldBackModel {
  name: string;
  layer: string;
  /** The failed models it depends on. */
  upstream: string[];
}

/** What one `lpdata build` did, kept as data/build/report.json so a later `lpdata release` knows. */
export interface BuildReport {
  window: { from: string; to: string };
  built: BuiltModel[];
  failed: FailedModel[];
  held_back: HeldBackModel[];
}

/** The registry's health thresholds as a view: metric, direction, healthy, degraded, unit. */
function thresholdsView(metricsDir: string | undefined): string {
  const rows = allMetrics(loadRegistry(metricsDir ?? METRICS_DIR))
    .filter((m) => m.thresholds)
    .map((m) => `(${sqlString(m.id)}, ${sqlString(m.direction)}, ${m.thresholds!.healthy}::DOUBLE, ${m.thresholds!.degraded}::DOUBLE, ${sqlString(m.unit)})`);
  const body = rows.length ? `VALUES ${rows.join(', ')}` : `SELECT NULL, NULL, NULL::DOUBLE, NULL::DOUBLE, NULL WHERE false`;
  return `CREATE VIEW ${REGISTRY_VIEWS.thresholds} (metric, direction, healthy, degraded, unit) AS ${body}`;
}

export const buildPath = (dataDir: string, m: Model) => join(dataDir, 'build', m.contract.layer, `${m.contract.name}.parquet`);

/** Days before the window a model may look back over (cohort benchmarks use the prior 7 days). */
export const HISTORY_DAYS = 7;

/**
 * Raw partitions a model may read for the window: date partitions from HISTORY_DAYS + 1 days before
 * the window to the day after (sessions straddle midnight), and every block-range or block partition.
 * Models filter to the window themselves, with the variables below.
 */
export function rawFiles(dataDir: string, ref: string, window: Window): string[] {
  const dir = join(dataDir, 'raw', ref);
  if (!existsSync(dir)) return [];
  const lo = isoDay(ms(window.from - (HISTORY_DAYS + 1) * DAY_MS));
  const hi = isoDay(ms(window.to + DAY_MS));
  const files: string[] = [];
  for (const p of readdirSync(dir).sort()) {
    if (p.includes('.tmp-')) continue;
    const m = /^date=(\d{4}-\d{2}-\d{2})$/.exec(p);
    if (m && (m[1]! < lo || m[1]! > hi)) continue;
    const f = join(dir, p, RECORDS_FILE);
    if (existsSync(f)) files.push(f);
  }
  return files;
}

/** Rows in a sample, as JSON can hold them (BIGINT beyond 2^53 as text). */
const jsonRows = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : v)));

/** Offending rows shown per failing test: enough to see the pattern, small enough to print. */
const SAMPLE_ROWS = 3;

async function runTests(conn: Awaited<ReturnType<typeof openSession>>['conn'], m: Model): Promise<TestResult[]> {
  const c = m.contract;
  const results: TestResult[] = [];
  const name = c.name;
  const cols = await queryRows<{ column_name: string; column_type: string }>(conn, `DESCRIBE result`);
  const got = cols.map((x) => `${x.column_name} ${x.column_type}`).join(', ');
  const want = c.columns.map((x) => `${x.name} ${x.type.toUpperCase()}`).join(', ');
  results.push({ model: name, test: 'columns match contract', passed: got === want, severity: 'error', detail: got === want ? undefined : `built: ${got}\ncontract: ${want}` });
  // Every other test is a query for offending rows: counted, and a few kept when there are any.
  const offending = async (test: string, severity: Severity, sql: string, what: (n: number) => string) => {
    const n = Number((await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM (${sql})`))[0]!.n);
    const sample = n > 0 ? jsonRows(await queryRows(conn, `SELECT * FROM (${sql}) LIMIT ${SAMPLE_ROWS}`)) : undefined;
    results.push({ model: name, test, passed: n === 0, severity, detail: what(n), ...(sample ? { sample } : {}) });
  };
  const key = c.primary_key.map(sqlIdent).join(', ');
  await offending(`unique (${c.primary_key.join(', ')})`, 'error', `SELECT ${key}, count(*) AS copies FROM result GROUP BY ALL HAVING count(*) > 1`, (n) => `${n} duplicated keys`);
  for (const col of c.tests?.not_null ?? []) {
    await offending(`not_null ${col}`, 'error', `SELECT * FROM result WHERE ${sqlIdent(col)} IS NULL`, (n) => `${n} nulls`);
  }
  for (const [col, values] of Object.entries(c.tests?.accepted_values ?? {})) {
    const list = values.map((v) => (typeof v === 'string' ? sqlString(v) : String(v))).join(', ');
    await offending(`accepted_values ${col}`, 'error', `SELECT * FROM result WHERE ${sqlIdent(col)} IS NOT NULL AND ${sqlIdent(col)} NOT IN (${list})`, (n) => `${n} rows outside [${list}]`);
  }
  for (const t of c.tests?.expect_no_rows ?? []) await offending(t.name, t.severity ?? 'error', t.sql, (n) => `${n} offending rows`);
  return results;
}

/** Tests that hold a model back: failed, with severity error. */
export const blocking = (tests: TestResult[]) => tests.filter((t) => !t.passed && t.severity === 'error');

/**
 * Builds one model and runs its contract tests. A failing `error` test writes nothing and returns
 * the failure (buildAll removes the model's previous build); a query that does not run throws.
 */
export async function buildModel(m: Model, all: Map<string, Model>, opts: BuildOptions): Promise<BuiltModel | FailedModel> {
  const started = Date.now();
  const out = buildPath(opts.dataDir, m);
  const tmp = `${out}.tmp-${process.pid}`;
  const views: { name: string; files: string[]; kind: 'raw' | 'model' }[] = [];
  for (const i of m.contract.inputs) {
    if ('registry' in i) continue;
    if ('raw' in i) views.push({ name: rawViewName(i.raw), files: rawFiles(opts.dataDir, i.raw, opts.window), kind: 'raw' });
    else {
      const dep = all.get(i.model)!;
      const p = buildPath(opts.dataDir, dep);
      if (!existsSync(p)) throw new UserError(`model ${m.contract.name} needs ${i.model}, which has not been built`, 'build the models in order with `lpdata build`');
      views.push({ name: i.model, files: [p], kind: 'model' });
    }
  }
  await mkdir(join(opts.dataDir, 'build', m.contract.layer), { recursive: true });
  // One thread: parallel aggregation adds floating-point values in a scheduling-dependent order,
  // and the same inputs must give the same bytes.
  const session = await openSession({ allowedPaths: [...views.flatMap((v) => v.files), tmp], threads: 1 });
  const { conn } = session;
  try {
    await conn.run(`SET VARIABLE window_from = TIMESTAMPTZ ${sqlString(iso(opts.window.from))}`);
    await conn.run(`SET VARIABLE window_to = TIMESTAMPTZ ${sqlString(iso(opts.window.to))}`);
    await conn.run(`SET VARIABLE window_from_ms = ${opts.window.from}::BIGINT`);
    await conn.run(`SET VARIABLE window_to_ms = ${opts.window.to}::BIGINT`);
    await conn.run(`SET VARIABLE history_from_ms = ${opts.window.from - HISTORY_DAYS * DAY_MS}::BIGINT`);
    await conn.run(`SET VARIABLE hash_key = ${sqlString(opts.hashKey)}`);
    await conn.run(`SET TimeZone = 'UTC'`);
    for (const v of views) {
      const list = `[${v.files.map(sqlString).join(', ')}]`;
      if (v.kind === 'model') await conn.run(`CREATE VIEW ${sqlIdent(v.name)} AS SELECT * FROM read_parquet(${list})`);
      // Raw views: one record per row, and the partition it came from (date=, blocks=, block=).
      else if (v.files.length === 0) await conn.run(`CREATE VIEW ${sqlIdent(v.name)} AS SELECT NULL::JSON AS json, NULL::VARCHAR AS partition WHERE false`);
      else await conn.run(`CREATE VIEW ${sqlIdent(v.name)} AS SELECT json, regexp_extract(filename, '([^/]+)/records\\.ndjson\\.gz$', 1) AS partition FROM read_ndjson_objects(${list}, filename = true)`);
    }
    await conn.run(readFileSync(MACROS_FILE, 'utf8'));
    if (m.contract.inputs.some((i) => 'registry' in i)) await conn.run(thresholdsView(opts.metricsDir));
    await conn.run(`CREATE TABLE result AS ${m.sql.trim().replace(/;\s*$/, '')}`);
    const tests = await runTests(conn, m);
    if (blocking(tests).length > 0) {
      session.close();
      return { name: m.contract.name, layer: m.contract.layer, tests };
    }
    // Row order is part of the bytes; the model's final ORDER BY fixes it, so COPY keeps it.
    await conn.run(`COPY (SELECT * FROM result) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    const rows = Number((await queryRows<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM result'))[0]!.n);
    session.close();
    await rename(tmp, out);
    return { name: m.contract.name, layer: m.contract.layer, path: out, rows, duration_ms: Date.now() - started, tests };
  } catch (err) {
    session.close();
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The named models and everything they read, transitively. */
export function withDependencies(models: Model[], names: string[]): Set<string> {
  const byName = new Map(models.map((m) => [m.contract.name, m]));
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    const m = byName.get(n);
    if (!m) throw new UserError(`no model named ${n}`, 'model names are the .sql file names under models/');
    out.add(n);
    for (const i of m.contract.inputs) if ('model' in i && i.model) visit(i.model);
  };
  names.forEach(visit);
  return out;
}

const reportPath = (dataDir: string) => join(dataDir, 'build', 'report.json');

/** The last build's report, or undefined when nothing was built in this data folder. */
export function readBuildReport(dataDir: string): BuildReport | undefined {
  const p = reportPath(dataDir);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as BuildReport) : undefined;
}

/**
 * Builds every model (or the named ones and what they read) in dependency order. A model whose
 * `error` test fails, or whose query does not run, is held back with everything that reads it,
 * directly or not (their previous builds removed); every other model is built. The report is
 * returned and written to data/build/report.json, merged with the previous report of the same
 * window for the models this build did not touch.
 */
export async function buildAll(opts: BuildOptions, only?: string[]): Promise<BuildReport> {
  const models = discoverModels(opts.modelsDir);
  const problems = checkLayers(models);
  if (problems.length > 0) {
    throw new UserError(`model layer check failed:\n${problems.map((p) => `  - ${p.model} ${p.problem}`).join('\n')}`, 'see models/README.md for what each layer may read');
  }
  const all = new Map(models.map((m) => [m.contract.name, m]));
  const wanted = only ? withDependencies(models, only) : undefined;
  const report: BuildReport = { window: { from: iso(opts.window.from), to: iso(opts.window.to) }, built: [], failed: [], held_back: [] };
  const blocked = new Set<string>();
  for (const m of buildOrder(models)) {
    const name = m.contract.name;
    if (wanted && !wanted.has(name)) continue;
    if (m.contract.inputs.some((i) => 'model' in i && blocked.has(i.model))) {
      blocked.add(name);
      continue;
    }
    let b: BuiltModel | FailedModel;
    try {
      b = await buildModel(m, all, opts);
    } catch (err) {
      b = { name, layer: m.contract.layer, tests: [], error: err instanceof Error ? err.message : String(err) };
    }
    if ('path' in b) {
      const warned = b.tests.filter((t) => !t.passed);
      for (const t of warned) opts.log.warn('contract test failed (warn)', { model: name, test: t.test, detail: t.detail, sample: t.sample });
      opts.log.info('model built', { model: name, layer: b.layer, rows: b.rows, tests: b.tests.length, warnings: warned.length, duration_ms: b.duration_ms });
      report.built.push(b);
    } else {
      // Its previous build goes too, so nothing reads data this build could not vouch for.
      await rm(buildPath(opts.dataDir, m), { force: true });
      opts.log.error('model failed', { model: name, ...(b.error ? { error: b.error } : { failed: blocking(b.tests).map((t) => ({ test: t.test, detail: t.detail, sample: t.sample })) }) });
      report.failed.push(b);
      blocked.add(name);
    }
  }
  // Everything downstream of a failure is held back, in this build's selection or not.
  const failed = report.failed.map((f) => f.name);
  const below = new Map(failed.map((f) => [f, descendants(models, [f])]));
  for (const m of buildOrder(models)) {
    const upstream = failed.filter((f) => below.get(f)!.has(m.contract.name));
    if (upstream.length === 0) continue;
    await rm(buildPath(opts.dataDir, m), { force: true });
    report.held_back.push({ name: m.contract.name, layer: m.contract.layer, upstream });
  }
  if (report.held_back.length) opts.log.error('models held back downstream of a failure', { models: report.held_back.map((h) => h.name) });
  const sorted = mergeReports(undefined, report);
  await mkdir(join(opts.dataDir, 'build'), { recursive: true });
  await writeFile(reportPath(opts.dataDir), JSON.stringify(mergeReports(readBuildReport(opts.dataDir), sorted), null, 2) + '\n');
  return sorted;
}

/** `now`, with the previous report's entries for models it did not touch when both cover the same window; sorted by name. */
function mergeReports(previous: BuildReport | undefined, now: BuildReport): BuildReport {
  if (!previous || previous.window.from !== now.window.from || previous.window.to !== now.window.to) previous = { ...now, built: [], failed: [], held_back: [] };
  const touched = new Set([...now.built, ...now.failed, ...now.held_back].map((x) => x.name));
  const keep = <T extends { name: string }>(a: T[], b: T[]) => [...a.filter((x) => !touched.has(x.name)), ...b].sort((x, y) => x.name.localeCompare(y.name));
  return { window: now.window, built: keep(previous.built, now.built), failed: keep(previous.failed, now.failed), held_back: keep(previous.held_back, now.held_back) };
}
