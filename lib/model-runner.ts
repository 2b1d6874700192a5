// Builds models in dependency order. Each model runs in a fresh DuckDB session that can open only
// the files of the inputs it declares and the one file it writes; run parameters (the window, the
// hashing key) are bound as variables, so no model reads the clock.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOrder, discoverModels, rawViewName, type Model } from './contracts.ts';
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
  detail?: string;
}

export interface BuiltModel {
  name: string;
  layer: string;
  path: string;
  rows: number;
  duration_ms: number;
  tests: TestResult[];
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

async function runTests(conn: Awaited<ReturnType<typeof openSession>>['conn'], m: Model): Promise<TestResult[]> {
  const c = m.contract;
  const results: TestResult[] = [];
  const name = c.name;
  const cols = await queryRows<{ column_name: string; column_type: string }>(conn, `DESCRIBE result`);
  const got = cols.map((x) => `${x.column_name} ${x.column_type}`).join(', ');
  const want = c.columns.map((x) => `${x.name} ${x.type.toUpperCase()}`).join(', ');
  results.push({ model: name, test: 'columns match contract', passed: got === want, detail: got === want ? undefined : `built: ${got}\ncontract: ${want}` });
  const key = c.primary_key.map(sqlIdent).join(', ');
  const dup = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM (SELECT ${key} FROM result GROUP BY ALL HAVING count(*) > 1)`);
  results.push({ model: name, test: `unique (${c.primary_key.join(', ')})`, passed: Number(dup[0]!.n) === 0, detail: `${dup[0]!.n} duplicated keys` });
  for (const col of c.tests?.not_null ?? []) {
    const n = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM result WHERE ${sqlIdent(col)} IS NULL`);
    results.push({ model: name, test: `not_null ${col}`, passed: Number(n[0]!.n) === 0, detail: `${n[0]!.n} nulls` });
  }
  for (const [col, values] of Object.entries(c.tests?.accepted_values ?? {})) {
    const list = values.map((v) => (typeof v === 'string' ? sqlString(v) : String(v))).join(', ');
    const n = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM result WHERE ${sqlIdent(col)} IS NOT NULL AND ${sqlIdent(col)} NOT IN (${list})`);
    results.push({ model: name, test: `accepted_values ${col}`, passed: Number(n[0]!.n) === 0, detail: `${n[0]!.n} rows outside [${list}]` });
  }
  for (const t of c.tests?.expect_no_rows ?? []) {
    const n = await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM (${t.sql})`);
    results.push({ model: name, test: t.name, passed: Number(n[0]!.n) === 0, detail: `${n[0]!.n} offending rows` });
  }
  return results;
}

export async function buildModel(m: Model, all: Map<string, Model>, opts: BuildOptions): Promise<BuiltModel> {
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
    const failed = tests.filter((t) => !t.passed);
    if (failed.length > 0) {
      throw new UserError(
        `model ${m.contract.name} failed ${failed.length} contract test(s):\n` + failed.map((t) => `  - ${t.test}: ${t.detail}`).join('\n'),
        `fix ${m.sqlPath} or its contract ${m.contractPath}`,
      );
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

export async function buildAll(opts: BuildOptions, only?: string[]): Promise<BuiltModel[]> {
  const models = discoverModels(opts.modelsDir);
  const problems = checkLayers(models);
  if (problems.length > 0) {
    throw new UserError(`model layer check failed:\n${problems.map((p) => `  - ${p.model} ${p.problem}`).join('\n')}`, 'see models/README.md for what each layer may read');
  }
  const all = new Map(models.map((m) => [m.contract.name, m]));
  const wanted = only ? withDependencies(models, only) : undefined;
  const built: BuiltModel[] = [];
  for (const m of buildOrder(models)) {
    if (wanted && !wanted.has(m.contract.name)) continue;
    const b = await buildModel(m, all, opts);
    opts.log.info('model built', { model: b.name, layer: b.layer, rows: b.rows, tests: b.tests.length, duration_ms: b.duration_ms });
    built.push(b);
  }
  return built;
}
