// Runs the example analyses in sql/analyses/ over the release store, exactly as a reader would in
// the duckdb CLI from the store root, so the site shows each file's SQL beside its real result.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DuckDBInstance, type Json } from '@duckdb/node-api';
import { UserError } from '../../lib/errors.ts';
import { stableJson } from '../../lib/hash.ts';
import { readLatestRelease, releaseTime, siteStore, verifyRelease, type LoaderOutput } from './release.ts';
import { repoRoot } from './paths.ts';

export const analysesDir = join(repoRoot, 'sql', 'analyses');

export interface Analysis {
  /** The file name without `.sql`. */
  name: string;
  /** The leading comment up to its first '?': the question the analysis answers. */
  question: string;
  /** The rest of the leading comment: how to read the result. */
  notes: string;
  sql: string;
  /** Dataset ids the SQL reads, from its `<dataset>/v1/...` and `<dataset>/latest.json` paths. */
  datasets: string[];
}

export interface AnalysisResult extends Analysis {
  releases: { dataset_id: string; release_id: string }[];
  columns: { name: string; type: string }[];
  rows: Record<string, Json>[];
}

/** Dataset ids named by store-relative paths in read_parquet / read_json calls. */
export function datasetsRead(sql: string): string[] {
  const ids = new Set<string>();
  for (const m of sql.matchAll(/read_(?:parquet|json)\s*\(\s*'([a-z0-9_]+)\/(?:v\d+\/|latest\.json')/g)) ids.add(m[1]!);
  return [...ids].sort();
}

export function parseAnalysis(file: string, sql: string): Analysis {
  const name = basename(file, '.sql');
  const comment: string[] = [];
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--')) break;
    comment.push(line.replace(/^--\s?/, '').trim());
  }
  // The question may wrap over several comment lines; it ends at the first line ending in '?'.
  const end = comment.findIndex((line) => line.endsWith('?'));
  const question = comment.slice(0, end + 1).join(' ');
  if (end < 0) {
    throw new UserError(`${file} does not start with a comment stating its question`, 'begin the file with "-- <the question it answers>?" (see sql/README.md)');
  }
  const datasets = datasetsRead(sql);
  if (datasets.length === 0) {
    throw new UserError(`${file} reads no released dataset`, "read files relative to the store root, e.g. read_parquet('<dataset>/v1/*/part-*.parquet')");
  }
  return { name, question, notes: comment.slice(end + 1).join(' '), sql: sql.trim(), datasets };
}

/** Every `*.sql` file in the folder, sorted by name. */
export async function readAnalyses(dir = analysesDir): Promise<Analysis[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  if (files.length === 0) throw new UserError(`${dir} holds no .sql analyses`, 'add one as described in sql/README.md');
  return Promise.all(files.map(async (f) => parseAnalysis(join(dir, f), await readFile(join(dir, f), 'utf8'))));
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|FLOAT|DOUBLE)/;

/** DuckDB's JSON form writes 64-bit integers and decimals as strings; pages want numbers. */
function toNumber(value: Json): Json {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? value : n;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Runs one analysis with the store as DuckDB's file search path (the CLI's `cd <store>`), after
 * checking that every dataset it reads has a verified latest release there.
 */
export async function runAnalysis(analysis: Analysis, store: string): Promise<AnalysisResult & { modified: Date }> {
  const releases: AnalysisResult['releases'] = [];
  let modified = new Date(0);
  for (const id of analysis.datasets) {
    try {
      const release = await readLatestRelease(store, id);
      await verifyRelease(release, { id, columns: [] });
      releases.push({ dataset_id: id, release_id: release.manifest.release_id });
      const time = releaseTime(release.manifest);
      if (time > modified) modified = time;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(`analysis sql/analyses/${analysis.name}.sql reads dataset ${id}, which it cannot use: ${error.message.split('\n')[0]}`, error.fix ?? `publish ${id} to ${store}`);
    }
  }
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  try {
    const connection = await instance.connect();
    await connection.run(`set file_search_path = ${sqlString(store)}`);
    const statements = await connection.extractStatements(analysis.sql);
    let result: Awaited<ReturnType<typeof connection.runAndReadAll>> | undefined;
    try {
      for (let i = 0; i < statements.count; i++) result = await (await statements.prepare(i)).runAndReadAll();
    } catch (error) {
      throw new UserError(`analysis sql/analyses/${analysis.name}.sql failed in DuckDB: ${(error as Error).message}`, 'fix the SQL, or republish the datasets it reads if a column is missing');
    }
    connection.closeSync();
    if (!result) throw new UserError(`analysis sql/analyses/${analysis.name}.sql holds no statement`, 'end the file with the query that answers its question');
    const columns = result.columnNames().map((name, i) => ({ name, type: String(result.columnTypes()[i]) }));
    const numeric = new Set(columns.filter((c) => NUMERIC.test(c.type)).map((c) => c.name));
    const rows = result.getRowObjectsJson().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, numeric.has(k) ? toNumber(v) : v])));
    return { ...analysis, releases, columns, rows, modified };
  } finally {
    instance.closeSync();
  }
}

/** What the analyses loader writes: every analysis with its SQL and result, stamped with the newest release read. */
export async function loadAnalyses(store = siteStore(), dir = analysesDir): Promise<LoaderOutput> {
  const results: AnalysisResult[] = [];
  let modified = new Date(0);
  for (const analysis of await readAnalyses(dir)) {
    const { modified: time, ...result } = await runAnalysis(analysis, store);
    results.push(result);
    if (time > modified) modified = time;
  }
  return { body: stableJson({ analyses: results }) + '\n', modified };
}
