// Builds models in dependency order, one UTC day of the window at a time, skipping a day's model
// whose inputs did not change since its last build. Each model runs in a fresh DuckDB session that
// can open only the files of the inputs it declares and the one file it writes; run parameters (the
// day's window, the hashing key) are bound as variables, so no model reads the clock.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ancestors, buildOrder, descendants, discoverModels, rawViewName, type Model, type Severity } from './contracts.ts';
import { openSession, queryRows, sqlIdent, sqlString } from './duckdb.ts';
import { UserError } from './errors.ts';
import { sha256, sha256File, stableJson } from './hash.ts';
import type { Logger } from './log.ts';
import { checkLayers, REGISTRY_VIEWS } from './model-check.ts';
import { allMetrics, loadRegistry } from './metrics.ts';
import { MACROS_FILE, METRICS_DIR } from './paths.ts';
import { MANIFEST_FILE, RECORDS_FILE } from './snapshot.ts';
import { DAY_MS, days, iso, isoDay, ms, type Window } from './time.ts';

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
  /** The folder of its day files (`day=<YYYY-MM-DD>.parquet`). */
  path: string;
  /** Rows over the window's days. */
  rows: number;
  duration_ms: number;
  /** Per test, over the window's days: passed only if it passed on every day. */
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

/** What a build did on one UTC day of its window. */
export interface DayOutcome {
  day: string;
  /** Models built (their inputs changed, or they were never built). */
  built: string[];
  /** Models whose inputs had not changed since their last build of this day, so they were left as they were. */
  skipped: string[];
}

/**
 * What a build of a window did, over its days: kept as data/build/report.json for people; `lpdata
 * release` reads the day records (data/build/days/) instead, so shards built elsewhere merge.
 */
export interface BuildReport {
  window: { from: string; to: string };
  built: BuiltModel[];
  failed: FailedModel[];
  held_back: HeldBackModel[];
  days: DayOutcome[];
}

/** The registry's health thresholds as a view: metric, direction, healthy, degraded, unit. */
function thresholdsView(metricsDir: string | undefined): string {
  const rows = allMetrics(loadRegistry(metricsDir ?? METRICS_DIR))
    .filter((m) => m.thresholds)
    .map((m) => `(${sqlString(m.id)}, ${sqlString(m.direction)}, ${m.thresholds!.healthy}::DOUBLE, ${m.thresholds!.degraded}::DOUBLE, ${sqlString(m.unit)})`);
  const body = rows.length ? `VALUES ${rows.join(', ')}` : `SELECT NULL, NULL, NULL::DOUBLE, NULL::DOUBLE, NULL WHERE false`;
  return `CREATE VIEW ${REGISTRY_VIEWS.thresholds} (metric, direction, healthy, degraded, unit) AS ${body}`;
}

/** A model's build for one UTC day of the window: `build/<layer>/<model>/day=<YYYY-MM-DD>.parquet`. */
export const buildPath = (dataDir: string, m: Model, day: string) => join(modelDir(dataDir, m), `day=${day}.parquet`);

/** The folder of a model's day files. */
export const modelDir = (dataDir: string, m: Model) => join(dataDir, 'build', m.contract.layer, m.contract.name);

/** A model's newest day file (for its schema), or undefined when no day is built. */
export function latestBuild(dataDir: string, m: Model): string | undefined {
  const dir = modelDir(dataDir, m);
  const last = existsSync(dir) ? readdirSync(dir).filter((f) => /^day=\d{4}-\d{2}-\d{2}\.parquet$/.test(f)).sort().at(-1) : undefined;
  return last && join(dir, last);
}

/** A model's day files for the days of a window (built or not). */
export const windowPaths = (dataDir: string, m: Model, window: Window) => days(window).map((d) => buildPath(dataDir, m, isoDay(d.from)));

/** Days before the window a model may look back over (cohort benchmarks use the prior 7 days). */
export const HISTORY_DAYS = 7;

/**
 * Days of raw partitions before the window a model reads: HISTORY_DAYS + 1 for the models whose own
 * SQL, or a model reading them, looks back with `history_from_ms`; one for every other (sessions
 * straddle midnight). Narrowing matters: every day's build re-reads its lookback.
 */
export function rawLookbackDays(models: Model[]): Map<string, number> {
  const history = new Set<string>();
  for (const m of models.filter((x) => x.sql.includes('history_from_ms'))) {
    history.add(m.contract.name);
    for (const a of ancestors(models, m.contract.name)) history.add(a);
  }
  return new Map(models.map((m) => [m.contract.name, history.has(m.contract.name) ? HISTORY_DAYS + 1 : 1]));
}

/**
 * Raw partitions a model may read for the window: date partitions from `lookbackDays` days before
 * the window to the day after (sessions straddle midnight), and every block-range or block partition.
 * Models filter to the window themselves, with the variables below.
 */
export function rawFiles(dataDir: string, ref: string, window: Window, lookbackDays: number): string[] {
  const dir = join(dataDir, 'raw', ref);
  if (!existsSync(dir)) return [];
  const lo = isoDay(ms(window.from - lookbackDays * DAY_MS));
  // The day after the window's last day (window.to is exclusive).
  const hi = isoDay(ms(window.to - 1 + DAY_MS));
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


/** DuckDB threads per model session: every core (LPDATA_DUCKDB_THREADS overrides). */
export function modelThreads(): number {
  const n = Number(process.env.LPDATA_DUCKDB_THREADS);
  return Number.isInteger(n) && n > 0 ? n : availableParallelism();
}

interface View {
  name: string;
  files: string[];
  kind: 'raw' | 'model';
}

/** The files each declared input of `m` is read from, for one day's build. */
function inputViews(m: Model, all: Map<string, Model>, opts: BuildOptions, lookbackDays: number): View[] {
  const day = isoDay(opts.window.from);
  const views: View[] = [];
  for (const i of m.contract.inputs) {
    if ('registry' in i) continue;
    if ('raw' in i) views.push({ name: rawViewName(i.raw), files: rawFiles(opts.dataDir, i.raw, opts.window, lookbackDays), kind: 'raw' });
    else {
      const p = buildPath(opts.dataDir, all.get(i.model)!, day);
      if (!existsSync(p)) throw new UserError(`model ${m.contract.name} needs ${i.model}, which has not been built for ${day}`, 'build the models in order with `lpdata build`');
      views.push({ name: i.model, files: [p], kind: 'model' });
    }
  }
  return views;
}

/**
 * Builds one model for one UTC day (opts.window lies within it) and runs its contract tests. A
 * failing `error` test writes nothing and returns the failure (buildAll removes the model's previous
 * build of the day); a query that does not run throws.
 */
export async function buildModel(m: Model, all: Map<string, Model>, opts: BuildOptions, lookbackDays = HISTORY_DAYS + 1): Promise<BuiltModel | FailedModel> {
  const started = Date.now();
  const out = buildPath(opts.dataDir, m, isoDay(opts.window.from));
  const tmp = `${out}.tmp-${process.pid}`;
  const views = inputViews(m, all, opts, lookbackDays);
  await mkdir(dirname(out), { recursive: true });
  // Every core: the models' float aggregates are order-independent (exact DECIMAL sums, or sums in
  // value order) and their final ORDER BY is on the key, so the bytes do not depend on scheduling.
  const session = await openSession({ allowedPaths: [...views.flatMap((v) => v.files), tmp], threads: modelThreads() });
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
    return { name: m.contract.name, layer: m.contract.layer, path: dirname(out), rows, duration_ms: Date.now() - started, tests };
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

/**
 * What the last build of one UTC day left: per model built, the digest of everything it read (so
 * an unchanged day is skipped) with its rows and tests; the failed and held-back models. Kept as
 * data/build/days/day=<YYYY-MM-DD>.json beside the day files, so shards built in other data folders
 * merge by copying folders.
 */
interface DayRecord {
  day: string;
  window: { from: string; to: string };
  built: Record<string, { digest: string; layer: string; rows: number; duration_ms: number; tests: TestResult[] }>;
  failed: Record<string, FailedModel>;
  held_back: Record<string, HeldBackModel>;
}

const dayRecordPath = (dataDir: string, day: string) => join(dataDir, 'build', 'days', `day=${day}.json`);

function readDayRecord(dataDir: string, day: string): DayRecord | undefined {
  const p = dayRecordPath(dataDir, day);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as DayRecord) : undefined;
}

/**
 * A raw partition's content digest: the records' sha256 from its manifest (written by the snapshot
 * writer) with the file's size, so a file edited by hand without its manifest still counts as
 * changed; the file's own hash when it has no manifest (fixtures).
 */
async function rawDigest(file: string, cache: Map<string, string>): Promise<string> {
  let d = cache.get(file);
  if (d) return d;
  const manifest = join(dirname(file), MANIFEST_FILE);
  d = existsSync(manifest) ? `${(JSON.parse(readFileSync(manifest, 'utf8')) as { sha256: string }).sha256} ${statSync(file).size}` : (await sha256File(file)).sha256;
  cache.set(file, d);
  return d;
}

/** Everything a model's build of a day depends on: its SQL and contract, the run parameters, and the digests of its inputs. */
async function inputDigest(m: Model, views: View[], record: DayRecord, opts: BuildOptions, cache: Map<string, string>): Promise<string> {
  const raw: string[][] = [];
  for (const v of views.filter((x) => x.kind === 'raw')) for (const f of v.files) raw.push([v.name, relative(opts.dataDir, f), await rawDigest(f, cache)]);
  return sha256(
    stableJson({
      sql: m.sql,
      contract: readFileSync(m.contractPath, 'utf8'),
      macros: readFileSync(MACROS_FILE, 'utf8'),
      thresholds: m.contract.inputs.some((i) => 'registry' in i) ? thresholdsView(opts.metricsDir) : null,
      hash_key: sha256(opts.hashKey),
      window: [opts.window.from, opts.window.to],
      raw,
      models: views.filter((x) => x.kind === 'model').map((v) => [v.name, record.built[v.name]?.digest ?? null]),
    }),
  );
}

interface DayBuild {
  outcome: DayOutcome;
  record: DayRecord;
}

/**
 * Builds every wanted model for one UTC day (opts.window), in dependency order. A model whose
 * inputs are those of its last build of the day is skipped unless `rebuild`. A model whose `error`
 * test fails, or whose query does not run, is held back with everything that reads it, directly or
 * not (their builds of the day removed); every other model is built.
 */
async function buildDay(opts: BuildOptions, models: Model[], wanted: Set<string> | undefined, lookback: Map<string, number>, rebuild: boolean): Promise<DayBuild> {
  const day = isoDay(opts.window.from);
  const all = new Map(models.map((m) => [m.contract.name, m]));
  const window = { from: iso(opts.window.from), to: iso(opts.window.to) };
  const previous = readDayRecord(opts.dataDir, day);
  // A record of another window over the same day (a partial day) vouches for nothing here.
  const record: DayRecord = previous && previous.window.from === window.from && previous.window.to === window.to ? previous : { day, window, built: {}, failed: {}, held_back: {} };
  const outcome: DayOutcome = { day, built: [], skipped: [] };
  const cache = new Map<string, string>();
  const blocked = new Set<string>();
  const failedNow: string[] = [];
  for (const m of buildOrder(models)) {
    const name = m.contract.name;
    if (wanted && !wanted.has(name)) continue;
    if (m.contract.inputs.some((i) => 'model' in i && blocked.has(i.model))) {
      blocked.add(name);
      continue;
    }
    let b: BuiltModel | FailedModel;
    try {
      // A day file left by a build of another window over this day (a partial day) is no input.
      const stale = m.contract.inputs.flatMap((i) => ('model' in i && !record.built[i.model] ? [i.model] : []));
      if (stale.length) throw new UserError(`model ${name} needs ${stale.join(', ')}, not built for ${window.from}..${window.to}`, 'build the models it reads for this window first (`lpdata build` without model names builds them all)');
      const views = inputViews(m, all, opts, lookback.get(name)!);
      const digest = await inputDigest(m, views, record, opts, cache);
      const last = record.built[name];
      if (!rebuild && last?.digest === digest && existsSync(buildPath(opts.dataDir, m, day))) {
        outcome.skipped.push(name);
        continue;
      }
      b = await buildModel(m, all, opts, lookback.get(name)!);
      if ('path' in b) record.built[name] = { digest, layer: b.layer, rows: b.rows, duration_ms: b.duration_ms, tests: b.tests };
    } catch (err) {
      b = { name, layer: m.contract.layer, tests: [], error: err instanceof Error ? err.message : String(err) };
    }
    delete record.failed[name];
    delete record.held_back[name];
    if ('path' in b) {
      const warned = b.tests.filter((t) => !t.passed);
      for (const t of warned) opts.log.warn('contract test failed (warn)', { model: name, day, test: t.test, detail: t.detail, sample: t.sample });
      opts.log.info('model built', { model: name, layer: b.layer, day, rows: b.rows, tests: b.tests.length, warnings: warned.length, duration_ms: b.duration_ms });
      outcome.built.push(name);
    } else {
      // Its previous build goes too, so nothing reads data this build could not vouch for.
      await rm(buildPath(opts.dataDir, m, day), { force: true });
      delete record.built[name];
      opts.log.error('model failed', { model: name, day, ...(b.error ? { error: b.error } : { failed: blocking(b.tests).map((t) => ({ test: t.test, detail: t.detail, sample: t.sample })) }) });
      record.failed[name] = b;
      failedNow.push(name);
      blocked.add(name);
    }
  }
  // Everything downstream of a failure is held back, in this build's selection or not.
  const failed = Object.keys(record.failed);
  const below = new Map(failed.map((f) => [f, descendants(models, [f])]));
  for (const m of buildOrder(models)) {
    const upstream = failed.filter((f) => below.get(f)!.has(m.contract.name));
    if (upstream.length === 0) continue;
    await rm(buildPath(opts.dataDir, m, day), { force: true });
    delete record.built[m.contract.name];
    record.held_back[m.contract.name] = { name: m.contract.name, layer: m.contract.layer, upstream };
  }
  if (failedNow.length && Object.keys(record.held_back).length) opts.log.error('models held back downstream of a failure', { day, models: Object.keys(record.held_back) });
  opts.log.info('day built', { day, built: outcome.built.length, skipped: outcome.skipped.length, failed: failed.length });
  await mkdir(dirname(dayRecordPath(opts.dataDir, day)), { recursive: true });
  await writeFile(dayRecordPath(opts.dataDir, day), stableJson(record) + '\n');
  return { outcome, record };
}

/**
 * One report over a window's day records: a model is built when every day built it (rows summed,
 * each test passed only if it passed every day), failed when a day failed it, held back when a day
 * held it back. With `names`, only those models.
 */
function combine(dataDir: string, window: Window, records: DayRecord[], outcomes: DayOutcome[], models: Model[], names?: Set<string>): BuildReport {
  const report: BuildReport = { window: { from: iso(window.from), to: iso(window.to) }, built: [], failed: [], held_back: [], days: outcomes };
  const many = records.length > 1;
  const tag = (day: string, text: string | undefined) => (many && text !== undefined ? `${day}: ${text}` : text);
  for (const m of buildOrder(models)) {
    const name = m.contract.name;
    if (names && !names.has(name)) continue;
    const failed = records.filter((r) => r.failed[name]);
    const held = records.filter((r) => r.held_back[name]);
    if (failed.length) {
      report.failed.push({
        name,
        layer: m.contract.layer,
        tests: mergeTests(failed.map((r) => ({ day: r.day, tests: r.failed[name]!.tests })), tag),
        ...(failed.some((r) => r.failed[name]!.error) ? { error: failed.filter((r) => r.failed[name]!.error).map((r) => tag(r.day, r.failed[name]!.error)).join('\n') } : {}),
      });
    } else if (held.length) {
      report.held_back.push({ name, layer: m.contract.layer, upstream: [...new Set(held.flatMap((r) => r.held_back[name]!.upstream))].sort() });
    } else if (records.length && records.every((r) => r.built[name])) {
      const per = records.map((r) => r.built[name]!);
      report.built.push({
        name,
        layer: m.contract.layer,
        path: modelDir(dataDir, m),
        rows: per.reduce((n, b) => n + b.rows, 0),
        duration_ms: per.reduce((n, b) => n + b.duration_ms, 0),
        tests: mergeTests(records.map((r) => ({ day: r.day, tests: r.built[name]!.tests })), tag),
      });
    }
  }
  return sortReport(report);
}

/** Each test once: passed on every day, or failed with each failing day's detail and the first failing day's sample. */
function mergeTests(perDay: { day: string; tests: TestResult[] }[], tag: (day: string, text: string | undefined) => string | undefined): TestResult[] {
  const out = new Map<string, TestResult>();
  for (const { day, tests } of perDay) {
    for (const t of tests) {
      const seen = out.get(t.test);
      if (!seen || seen.passed) {
        if (!seen || !t.passed) out.set(t.test, { ...t, ...(t.detail !== undefined ? { detail: tag(day, t.detail) } : {}) });
      } else if (!t.passed) seen.detail = [seen.detail, tag(day, t.detail)].filter(Boolean).join('; ');
    }
  }
  return [...out.values()];
}

const reportPath = (dataDir: string) => join(dataDir, 'build', 'report.json');

/** The last build's report, or undefined when nothing was built in this data folder. */
export function readBuildReport(dataDir: string): BuildReport | undefined {
  const p = reportPath(dataDir);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as BuildReport) : undefined;
}

export interface BuildAllOptions {
  /** Build even the days whose inputs have not changed since their last build. */
  rebuild?: boolean;
}

/**
 * Builds every model (or the named ones and what they read) for each UTC day of the window, each day
 * its own unit (window = that day, or the part of it the window covers). A day's model whose inputs
 * did not change since its last build is skipped: an hourly run rebuilds only the days whose raw
 * partitions it changed, and the days whose lookback reads them. The report is returned and
 * written to data/build/report.json, merged with the previous report of the same window for the
 * models this build did not touch.
 */
export async function buildAll(opts: BuildOptions, only?: string[], how: BuildAllOptions = {}): Promise<BuildReport> {
  const models = discoverModels(opts.modelsDir);
  const problems = checkLayers(models);
  if (problems.length > 0) {
    throw new UserError(`model layer check failed:\n${problems.map((p) => `  - ${p.model} ${p.problem}`).join('\n')}`, 'see models/README.md for what each layer may read');
  }
  const wanted = only ? withDependencies(models, only) : undefined;
  const lookback = rawLookbackDays(models);
  const builds: DayBuild[] = [];
  for (const unit of days(opts.window)) builds.push(await buildDay({ ...opts, window: unit }, models, wanted, lookback, how.rebuild ?? false));
  // Held-back models outside the selection are reported too: a selection does not hide a hold-back.
  const touched = new Set([...(wanted ?? models.map((m) => m.contract.name)), ...builds.flatMap((b) => Object.keys(b.record.held_back))]);
  const report = combine(opts.dataDir, opts.window, builds.map((b) => b.record), builds.map((b) => b.outcome), models, touched);
  await mkdir(join(opts.dataDir, 'build'), { recursive: true });
  await writeFile(reportPath(opts.dataDir), JSON.stringify(mergeReports(readBuildReport(opts.dataDir), report), null, 2) + '\n');
  return report;
}

/**
 * The build of a window as its day records say, for a release: every UTC day of the window must have
 * been built for exactly its part of the window, here or in a shard whose data/build was copied in.
 */
export function windowReport(dataDir: string, window: Window, modelsDir: string): BuildReport {
  const missing = missingDays(dataDir, window);
  if (missing.length) {
    throw new UserError(
      `${missing.length} of the window's ${days(window).length} day(s) have not been built in ${dataDir}: ${missing.join(', ')}`,
      'build them (`lpdata build --from D --to D`, or `lpdata backfill` for every shard), copy every shard\'s data/build into this data folder, then release',
    );
  }
  return combine(dataDir, window, days(window).map((u) => readDayRecord(dataDir, isoDay(u.from))!), [], discoverModels(modelsDir));
}

/** The days of a window (as `from..to`) with no record of a build of exactly that part of the window. */
export function missingDays(dataDir: string, window: Window): string[] {
  return days(window)
    .filter((u) => {
      const r = readDayRecord(dataDir, isoDay(u.from));
      return !r || r.window.from !== iso(u.from) || r.window.to !== iso(u.to);
    })
    .map((u) => `${iso(u.from)}..${iso(u.to)}`);
}

/** Entries sorted by name, as the report is written. */
function sortReport(r: BuildReport): BuildReport {
  const byName = <T extends { name: string }>(a: T[]) => [...a].sort((x, y) => x.name.localeCompare(y.name));
  return { ...r, built: byName(r.built), failed: byName(r.failed), held_back: byName(r.held_back) };
}

/** `now`, with the previous report's entries for models it did not touch when both cover the same window. */
function mergeReports(previous: BuildReport | undefined, now: BuildReport): BuildReport {
  if (!previous || previous.window.from !== now.window.from || previous.window.to !== now.window.to) return now;
  const touched = new Set([...now.built, ...now.failed, ...now.held_back].map((x) => x.name));
  const keep = <T extends { name: string }>(a: T[], b: T[]) => [...a.filter((x) => !touched.has(x.name)), ...b];
  return sortReport({ ...now, built: keep(previous.built, now.built), failed: keep(previous.failed, now.failed), held_back: keep(previous.held_back, now.held_back) });
}
