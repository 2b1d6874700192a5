// Runs a known-answer file (test/metrics/README.md) through the real model chain.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { discoverModels } from '../../lib/contracts.ts';
import { openSession, queryRows, sqlIdent, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { buildAll, buildPath } from '../../lib/model-runner.ts';
import { MODELS_DIR } from '../../lib/paths.ts';
import { isoDay, ms, parseWindow } from '../../lib/time.ts';

export interface KnownAnswerCase {
  name: string;
  dataset: string;
  where: Record<string, string | number | boolean | null>;
  expect: Record<string, string | number | boolean | null>;
  tolerance?: number;
}

export interface KnownAnswerFile {
  family: string;
  window: { from: string; to: string };
  raw: Record<string, unknown[]>;
  cases: KnownAnswerCase[];
}

export interface CaseResult {
  name: string;
  dataset: string;
  failures: string[];
}

export function readKnownAnswers(path: string): KnownAnswerFile {
  return parse(readFileSync(path, 'utf8')) as KnownAnswerFile;
}

const literal = (v: string | number | boolean | null) => (v === null ? 'NULL' : typeof v === 'string' ? sqlString(v) : String(v));

function matches(got: unknown, want: string | number | boolean | null, tolerance: number): boolean {
  if (want === null) return got === null || got === undefined;
  if (typeof want === 'number') {
    const g = typeof got === 'bigint' ? Number(got) : typeof got === 'string' ? Number(got) : (got as number);
    return typeof g === 'number' && Number.isFinite(g) && Math.abs(g - want) <= tolerance * Math.max(1, Math.abs(want));
  }
  if (typeof want === 'boolean') return got === want;
  return String(got) === want;
}

/** Builds the models the cases need from the file's raw records and checks every case. */
export async function runKnownAnswers(file: KnownAnswerFile): Promise<CaseResult[]> {
  const root = await mkdtemp(join(tmpdir(), `lp-kat-${file.family}-`));
  try {
    const dataDir = join(root, 'data');
    const window = parseWindow(file.window.from, file.window.to);
    for (const [ref, records] of Object.entries(file.raw ?? {})) {
      const dir = join(dataDir, 'raw', ref, `date=${isoDay(ms(window.from))}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'records.ndjson.gz'), gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '')));
    }
    const datasets = [...new Set(file.cases.map((c) => c.dataset))];
    await buildAll({ modelsDir: MODELS_DIR, dataDir, window, hashKey: 'known-answers', log: logger({ test: 'known-answers' }) }, datasets);
    const models = new Map(discoverModels(MODELS_DIR).map((m) => [m.contract.name, m]));
    const results: CaseResult[] = [];
    for (const c of file.cases) {
      const path = buildPath(dataDir, models.get(c.dataset)!, isoDay(ms(window.from)));
      const s = await openSession({ allowedPaths: [path] });
      try {
        const where = Object.entries(c.where).map(([k, v]) => (v === null ? `${sqlIdent(k)} IS NULL` : `${sqlIdent(k)} = ${literal(v)}`));
        const rows = await queryRows<Record<string, unknown>>(s.conn, `SELECT * FROM read_parquet(${sqlString(path)})${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
        const failures: string[] = [];
        if (rows.length !== 1) failures.push(`where ${JSON.stringify(c.where)} selects ${rows.length} rows, not 1`);
        else {
          for (const [k, want] of Object.entries(c.expect)) {
            if (!(k in rows[0]!)) failures.push(`${c.dataset} has no column ${k}`);
            else if (!matches(rows[0]![k], want, c.tolerance ?? 1e-9)) failures.push(`${k}: expected ${JSON.stringify(want)}, got ${String(rows[0]![k])}`);
          }
        }
        results.push({ name: c.name, dataset: c.dataset, failures });
      } finally {
        s.close();
      }
    }
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
