// A small release store in the publisher's layout, written with DuckDB, for the site tests.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sha256 } from '../../lib/hash.ts';

export const DATASET = 'orchestrator_workflow_hourly';
export const FIRST_HOUR = Date.UTC(2026, 10, 16, 0);
export const HOURS = 24;
export const ORCHESTRATORS = ['0x1111111111111111111111111111111111111111', '0x2222222222222222222222222222222222222222', '0x3333333333333333333333333333333333333333'];
export const WORKFLOWS = [
  { pipeline: 'live-video-to-video', model: 'streamdiffusion' },
  { pipeline: 'text-to-image', model: 'stabilityai/sdxl-turbo' },
];
/** Hours (offsets from FIRST_HOUR) in which nothing was requested anywhere. */
export const QUIET_HOURS = [5, 6];
/** An orchestrator x workflow that was offered but never requested: "no data", not 0%. */
export const NEVER_REQUESTED = { orchestrator: ORCHESTRATORS[2]!, ...WORKFLOWS[1]! };
/** Hours with requests that found no orchestrator (address NULL, model empty): a true 0%. */
export const NO_ORCHESTRATOR_HOURS = [2, 9, 17];

export interface SampleRow {
  hour: number;
  orchestrator_address: string | null;
  attribution_status: 'resolved' | 'unresolved' | 'no_orchestrator';
  pipeline: string;
  model: string;
  requested_sessions: number;
  startup_success_sessions: number;
}

/** Deterministic rows: counts follow simple arithmetic so tests can recompute every total. */
export function sampleRows(): SampleRow[] {
  const rows: SampleRow[] = [];
  for (let h = 0; h < HOURS; h++) {
    ORCHESTRATORS.forEach((orchestrator, o) => {
      WORKFLOWS.forEach((wf, w) => {
        const never = orchestrator === NEVER_REQUESTED.orchestrator && wf.pipeline === NEVER_REQUESTED.pipeline;
        const requested = QUIET_HOURS.includes(h) || never ? 0 : 4 + ((h * 7 + o * 5 + w * 3) % 11);
        const failed = requested === 0 ? 0 : (h + o + w) % 4 === 0 ? Math.min(requested, 1 + o) : 0;
        rows.push({ hour: FIRST_HOUR + h * 3_600_000, orchestrator_address: orchestrator, attribution_status: 'resolved', pipeline: wf.pipeline, model: wf.model, requested_sessions: requested, startup_success_sessions: requested - failed });
      });
    });
    if (NO_ORCHESTRATOR_HOURS.includes(h)) {
      rows.push({ hour: FIRST_HOUR + h * 3_600_000, orchestrator_address: null, attribution_status: 'no_orchestrator', pipeline: WORKFLOWS[0]!.pipeline, model: '', requested_sessions: 2, startup_success_sessions: 0 });
    }
    if (h === 12) {
      rows.push({ hour: FIRST_HOUR + h * 3_600_000, orchestrator_address: null, attribution_status: 'unresolved', pipeline: WORKFLOWS[0]!.pipeline, model: WORKFLOWS[0]!.model, requested_sessions: 3, startup_success_sessions: 3 });
    }
  }
  return rows;
}

export interface WrittenRelease {
  releaseId: string;
  releaseDir: string;
  files: { path: string; bytes: number; sha256: string; rows: number }[];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Writes one release (Parquet parts, manifest.json, latest.json, catalog.json) into `store`. */
export async function writeRelease(store: string, rows: SampleRow[], opts: { releaseId?: string; version?: string; parts?: number } = {}): Promise<WrittenRelease> {
  const releaseId = opts.releaseId ?? '20261117T000000Z-abc1234';
  const version = opts.version ?? '1.0.0';
  const parts = opts.parts ?? 1;
  const releaseDir = join(store, DATASET, `v${version.split('.')[0]}`, releaseId);
  await mkdir(releaseDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const files: WrittenRelease['files'] = [];
  try {
    const db = await instance.connect();
    const values = rows.map(
      (r, i) => `(${i}, make_timestamp(${r.hour * 1000}::bigint), ${r.orchestrator_address === null ? 'null::varchar' : quote(r.orchestrator_address)}, ${quote(r.attribution_status)}, ${quote(r.pipeline)}, ${quote(r.model)}, ${r.requested_sessions}, ${r.startup_success_sessions})`,
    );
    await db.run(`create table numbered as select * from (values ${values.join(',\n')}) t(n, hour, orchestrator_address, attribution_status, pipeline, model, requested_sessions, startup_success_sessions)`);
    for (let p = 0; p < parts; p++) {
      const path = `part-${p}.parquet`;
      const target = join(releaseDir, path);
      await db.run(`copy (
        select hour::timestamp as hour, orchestrator_address::varchar as orchestrator_address, attribution_status, pipeline, model,
               requested_sessions::bigint as requested_sessions, startup_success_sessions::bigint as startup_success_sessions,
               case when requested_sessions = 0 then null else startup_success_sessions / requested_sessions end::double as startup_success_rate
        from numbered where n % ${parts} = ${p} order by n
      ) to ${quote(target)} (format parquet, compression zstd)`);
      const body = await readFile(target);
      files.push({ path, bytes: body.length, sha256: sha256(body), rows: rows.filter((_, i) => i % parts === p).length });
    }
    db.closeSync();
  } finally {
    instance.closeSync();
  }
  const manifest = {
    dataset_id: DATASET,
    version,
    release_id: releaseId,
    created_at: '2026-11-17T00:05:00Z',
    files,
    row_count: rows.length,
    schema: [
      { name: 'hour', type: 'TIMESTAMP' },
      { name: 'orchestrator_address', type: 'VARCHAR' },
      { name: 'attribution_status', type: 'VARCHAR' },
      { name: 'pipeline', type: 'VARCHAR' },
      { name: 'model', type: 'VARCHAR' },
      { name: 'requested_sessions', type: 'BIGINT' },
      { name: 'startup_success_sessions', type: 'BIGINT' },
      { name: 'startup_success_rate', type: 'DOUBLE' },
    ],
    source_watermarks: { gateway_events: '2026-11-17T00:00:00Z' },
  };
  const manifestRel = `v${version.split('.')[0]}/${releaseId}/manifest.json`;
  await writeFile(join(releaseDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(store, DATASET, 'latest.json'), JSON.stringify({ dataset_id: DATASET, version, release_id: releaseId, manifest: manifestRel }, null, 2));
  await upsertCatalog(store, { id: DATASET, title: 'Orchestrator startup success by workflow and hour', latest: { version, release_id: releaseId, manifest: `${DATASET}/${manifestRel}` } });
  return { releaseId, releaseDir, files };
}

/** Adds or replaces one dataset in the store's catalog.json, keeping the others (sorted by id). */
export async function upsertCatalog(store: string, entry: { id: string; title: string; latest: { version: string; release_id: string; manifest: string } }): Promise<void> {
  const path = join(store, 'catalog.json');
  const existing = existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as { datasets: { id: string }[] }).datasets : [];
  const datasets = [...existing.filter((d) => d.id !== entry.id), entry].sort((a, b) => a.id.localeCompare(b.id));
  await writeFile(path, JSON.stringify({ datasets }, null, 2));
}
