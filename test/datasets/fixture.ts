// A one-dataset repository in a temp folder: a published model contract, its dataset descriptor and
// committed schema, and a built Parquet file, so releases can be made without the whole pipeline.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSession, sqlString } from '../../lib/duckdb.ts';
import type { BuildReport } from '../../lib/model-runner.ts';
import { iso, type Window } from '../../lib/time.ts';

export const COLUMNS = [
  { name: 'hour', type: 'TIMESTAMP' },
  { name: 'orchestrator_address', type: 'VARCHAR' },
  { name: 'requested_sessions', type: 'BIGINT' },
  { name: 'startup_success_sessions', type: 'BIGINT' },
  { name: 'startup_success_rate', type: 'DOUBLE' },
];

export async function makeRepo(root: string, version = '1.0.0', schemaVersion = '1.0.0', columns = COLUMNS): Promise<{ modelsDir: string; datasetsDir: string; dataDir: string }> {
  const modelsDir = join(root, 'models');
  const datasetsDir = join(root, 'datasets');
  const dataDir = join(root, 'data');
  await mkdir(join(modelsDir, 'published', 'tiny'), { recursive: true });
  await mkdir(join(datasetsDir, 'tiny'), { recursive: true });
  await mkdir(join(dataDir, 'build', 'published', 'tiny'), { recursive: true });
  await writeFile(join(modelsDir, 'published', 'tiny', 'tiny.sql'), 'select 1');
  await writeFile(
    join(modelsDir, 'published', 'tiny', 'tiny.yml'),
    `name: tiny\ndescription: A tiny dataset. One row per hour and orchestrator.\ninputs:\n  - model: core_x\nprimary_key: [hour, orchestrator_address]\ncolumns:\n` +
      COLUMNS.map((c) => `  - name: ${c.name}\n    type: ${c.type}\n    description: "${c.name}"\n    kind: ${c.name.endsWith('s') || c.name.endsWith('rate') ? 'metric' : 'key'}\n`).join(''),
  );
  await writeFile(
    join(datasetsDir, 'tiny', 'dataset.yml'),
    `id: tiny\ntitle: Tiny\ndescription: A tiny dataset.\ngrain: One row per hour and orchestrator.\nmodel: tiny\nversion: ${version}\nlicense: CC-BY-4.0\ncadence: daily\nsources: []\n`,
  );
  await writeFile(join(datasetsDir, 'tiny', 'schema.json'), JSON.stringify({ dataset_id: 'tiny', version: schemaVersion, columns }));
  // Built for one day: the release tests' window is 2026-11-16.
  const out = join(dataDir, 'build', 'published', 'tiny', 'day=2026-11-16.parquet');
  const s = await openSession();
  await s.conn.run(
    `COPY (SELECT * FROM (VALUES (TIMESTAMP '2026-11-16 00:00:00', '0xaa', 4::BIGINT, 3::BIGINT, 0.75::DOUBLE), (TIMESTAMP '2026-11-16 01:00:00', '0xaa', 2::BIGINT, 2::BIGINT, 1.0::DOUBLE))
      AS t(hour, orchestrator_address, requested_sessions, startup_success_sessions, startup_success_rate)) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  s.close();
  return { modelsDir, datasetsDir, dataDir };
}

/** The build report `lpdata build` would have written for the fixture's one model, with its tests passed. */
export function builtReport(dataDir: string, window: Window): BuildReport {
  const path = join(dataDir, 'build', 'published', 'tiny');
  return { window: { from: iso(window.from), to: iso(window.to) }, built: [{ name: 'tiny', layer: 'published', path, rows: 2, duration_ms: 0, tests: [] }], failed: [], held_back: [], days: [] };
}
