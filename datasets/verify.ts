// Independent verification of a release: fetch every object the manifest names, check bytes and
// sha256, read the Parquet back for row counts and schema, and recompute each published ratio
// from the additive parts released beside it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { openSession, queryRows, sqlIdent, sqlString } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sha256 } from '../lib/hash.ts';
import { request } from '../lib/http.ts';
import { allMetrics, loadRegistry } from '../lib/metrics.ts';
import { openStore } from '../lib/objects.ts';
import { METRICS_DIR } from '../lib/paths.ts';
import type { S3Settings } from '../lib/config.ts';
import type { ReleaseManifest } from './publish.ts';

export interface Check {
  check: string;
  object: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  manifest: string;
  dataset_id: string;
  release_id: string;
  ok: boolean;
  checks: Check[];
}

/**
 * Reads objects relative to a manifest's release folder, or to the store root (the folder four
 * levels up: <root>/<dataset>/v<major>/<release>/manifest.json), from a path, s3:// or http(s).
 */
async function fetcher(location: string, s3?: S3Settings): Promise<{ release: (rel: string) => Promise<Buffer>; root: (key: string) => Promise<Buffer> }> {
  if (/^https?:\/\//.test(location)) {
    const get = async (u: URL) => (await request(u.toString(), { retries: 3 })).bytes;
    return { release: (rel) => get(new URL(rel, new URL('.', location))), root: (key) => get(new URL(key, new URL('../../../', location))) };
  }
  if (location.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
    if (!m) throw new UserError(`"${location}" is not an s3:// object`, 'write it as s3://bucket/path/manifest.json');
    const parts = m[2]!.split('/');
    const store = await openStore(`s3://${m[1]}/${parts.slice(0, -4).join('/')}`, s3);
    const releaseDir = parts.slice(-4, -1).join('/');
    return { release: (rel) => store.get(`${releaseDir}/${rel}`), root: (key) => store.get(key) };
  }
  const dir = dirname(resolve(location));
  return { release: (rel) => readFile(join(dir, rel)), root: (key) => readFile(join(dir, '..', '..', '..', key)) };
}

/** Downloads a release's data files into `dir`; returns their local paths (missing ones are skipped). */
async function download(get: (rel: string) => Promise<Buffer>, files: { path: string }[], dir: string, tag: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const bytes = await get(f.path).catch(() => undefined);
    if (!bytes) continue;
    const p = join(dir, `${tag}-${f.path.replaceAll('/', '_')}`);
    await writeFile(p, bytes);
    out.push(p);
  }
  return out;
}

export async function verifyRelease(location: string, s3?: S3Settings): Promise<VerifyReport> {
  const name = location.split('/').pop() ?? '';
  const io = await fetcher(location, s3);
  const get = io.release;
  const manifestBytes = await get(name).catch((err: unknown) => {
    throw new UserError(`cannot read manifest ${location}: ${err instanceof Error ? err.message : String(err)}`, 'pass the path or URL of a release manifest.json');
  });
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as ReleaseManifest;
  const checks: Check[] = [];
  const add = (check: string, object: string, ok: boolean, detail: string) => checks.push({ check, object, ok, detail });
  const tmp = await mkdtemp(join(tmpdir(), 'lp-verify-'));
  try {
    const local: string[] = [];
    let rows = 0;
    for (const f of manifest.files) {
      let bytes: Buffer;
      try {
        bytes = await get(f.path);
      } catch (err) {
        add('present', f.path, false, `missing: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      add('bytes', f.path, bytes.length === f.bytes, `${bytes.length} bytes, manifest says ${f.bytes}`);
      const digest = sha256(bytes);
      add('sha256', f.path, digest === f.sha256, digest === f.sha256 ? digest : `${digest}, manifest says ${f.sha256}`);
      const p = join(tmp, f.path.replaceAll('/', '_'));
      await writeFile(p, bytes);
      let n: number | undefined;
      const s = await openSession({ allowedPaths: [p] });
      try {
        n = Number((await queryRows<{ n: bigint }>(s.conn, `SELECT count(*) AS n FROM read_parquet(${sqlString(p)})`))[0]!.n);
        local.push(p);
      } catch (err) {
        add('parquet readable', f.path, false, err instanceof Error ? err.message.split('\n')[0]! : String(err));
      } finally {
        s.close();
      }
      if (n !== undefined) {
        add('rows', f.path, n === f.rows, `${n} rows, manifest says ${f.rows}`);
        rows += n;
      }
    }
    for (const a of manifest.attachments ?? []) {
      const bytes = await get(a.path).catch(() => undefined);
      if (!bytes) add('present', a.path, false, 'missing');
      else add('sha256', a.path, sha256(bytes) === a.sha256 && bytes.length === a.bytes, `${sha256(bytes)} (${bytes.length} bytes)`);
    }
    add('row_count', 'manifest.json', rows === manifest.row_count, `${rows} rows in files, manifest says ${manifest.row_count}`);
    if (local.length === manifest.files.length && local.length > 0) {
      const s = await openSession({ allowedPaths: local });
      try {
        const from = `read_parquet([${local.map(sqlString).join(', ')}], hive_partitioning = false)`;
        const cols = await queryRows<{ column_name: string; column_type: string }>(s.conn, `DESCRIBE SELECT * FROM ${from}`);
        const got = cols.map((c) => `${c.column_name} ${c.column_type}`).join(', ');
        const want = manifest.schema.map((c) => `${c.name} ${c.type}`).join(', ');
        add('schema', 'manifest.json', got === want, got === want ? `${cols.length} columns` : `files: ${got}; manifest: ${want}`);
        // Each ratio in the registry whose parts are released beside it is recomputed row by row from
        // its registered formula (SQL over the parts).
        const names = new Set(cols.map((c) => c.column_name));
        for (const m of allMetrics(loadRegistry(METRICS_DIR))) {
          if (m.aggregation !== 'ratio' || !names.has(m.id) || m.parts.length === 0 || !m.parts.every((p) => names.has(p))) continue;
          const id = sqlIdent(m.id);
          const bad = await queryRows<{ n: bigint }>(
            s.conn,
            `SELECT count(*) AS n FROM ${from} WHERE NOT ((${id} IS NULL AND (${m.formula}) IS NULL) OR abs(${id} - (${m.formula})) <= 1e-9)`,
          ).catch((err: unknown) => [{ n: -1n, err }]);
          const n = Number(bad[0]!.n);
          add('recomputed', m.id, n === 0, n < 0 ? `${m.id} = ${m.formula}: the formula does not run on the release` : `${m.id} = ${m.formula}: ${n} rows differ`);
        }
      } finally {
        s.close();
      }
      if (manifest.recompute) await recompute(manifest, local, io.root, tmp, add);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { manifest: location, dataset_id: manifest.dataset_id, release_id: manifest.release_id, ok: checks.every((c) => c.ok), checks };
}

/** Recomputes this release from the lower-level release it names, and compares row for row. */
async function recompute(manifest: ReleaseManifest, local: string[], root: (key: string) => Promise<Buffer>, tmp: string, add: (check: string, object: string, ok: boolean, detail: string) => void): Promise<void> {
  const r = manifest.recompute!;
  const what = `from ${r.from} ${r.release_id}`;
  let source: ReleaseManifest;
  try {
    source = JSON.parse((await root(r.manifest)).toString('utf8')) as ReleaseManifest;
  } catch {
    add('recomputed', 'release', false, `${what}: its manifest ${r.manifest} cannot be read`);
    return;
  }
  const dir = r.manifest.replace(/manifest\.json$/, '');
  const files = await download((rel) => root(dir + rel), source.files, tmp, 'source');
  if (files.length !== source.files.length) {
    add('recomputed', 'release', false, `${what}: ${source.files.length - files.length} of its files are missing`);
    return;
  }
  const s = await openSession({ allowedPaths: [...local, ...files] });
  try {
    await s.conn.run(`CREATE VIEW source AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`);
    await s.conn.run(`CREATE VIEW released AS SELECT * FROM read_parquet([${local.map(sqlString).join(', ')}], hive_partitioning = false)`);
    const cols = manifest.schema.map((c) => sqlIdent(c.name)).join(', ');
    await s.conn.run(`CREATE TABLE recomputed AS SELECT ${cols} FROM (${r.sql})`);
    const count = async (sql: string) => Number((await queryRows<{ n: bigint }>(s.conn, `SELECT count(*) AS n FROM (${sql})`))[0]!.n);
    const missing = await count(`SELECT ${cols} FROM recomputed EXCEPT ALL SELECT ${cols} FROM released`);
    const extra = await count(`SELECT ${cols} FROM released EXCEPT ALL SELECT ${cols} FROM recomputed`);
    add('recomputed', 'release', missing === 0 && extra === 0, `${what}: ${missing} recomputed rows not released, ${extra} released rows not recomputed`);
  } catch (err) {
    add('recomputed', 'release', false, `${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    s.close();
  }
}

export function formatReport(r: VerifyReport): string {
  const lines = [`release ${r.dataset_id} ${r.release_id} (${r.manifest})`];
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check.padEnd(17)} ${c.object.padEnd(28)} ${c.detail}`);
  lines.push(r.ok ? `verified: ${r.checks.length} checks passed` : `NOT verified: ${r.checks.filter((c) => !c.ok).length} of ${r.checks.length} checks failed`);
  return lines.join('\n') + '\n';
}
