// What a release carries besides its Parquet, for the tools people already use and for trust:
// a Frictionless datapackage.json, a data-quality report, a small JSON summary, and (store-wide) a
// SQL file that creates DuckDB views over every latest release.
import type { ColumnContract } from '../lib/contracts.ts';
import { openSession, queryRows, sqlIdent, sqlString } from '../lib/duckdb.ts';
import type { Check, Descriptor, HeldBackDataset, ReleaseManifest, SchemaColumn, SourceCoverage } from './publish.ts';

const FRICTIONLESS_TYPE: [RegExp, string][] = [
  [/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)$/, 'integer'],
  [/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/, 'number'],
  [/^BOOLEAN$/, 'boolean'],
  [/^TIMESTAMP.*$/, 'datetime'],
  [/^DATE$/, 'date'],
];

export function datapackage(desc: Descriptor, m: Pick<ReleaseManifest, 'release_id' | 'files' | 'schema'>, contract: { primary_key: string[]; columns: ColumnContract[] }): unknown {
  return {
    profile: 'tabular-data-package',
    name: desc.id.replaceAll('_', '-'),
    title: desc.title,
    description: desc.description.trim(),
    version: desc.version,
    id: `${desc.id}/${m.release_id}`,
    licenses: [{ name: desc.license }],
    resources: m.files.map((f) => ({
      name: desc.id.replaceAll('_', '-'),
      path: f.path,
      format: 'parquet',
      mediatype: 'application/vnd.apache.parquet',
      bytes: f.bytes,
      hash: `sha256:${f.sha256}`,
      schema: {
        fields: m.schema.map((c) => ({
          name: c.name,
          type: FRICTIONLESS_TYPE.find(([re]) => re.test(c.type))?.[1] ?? 'string',
          description: c.description,
          ...(c.unit ? { unit: c.unit } : {}),
        })),
        primaryKey: contract.primary_key,
      },
    })),
  };
}

export interface QualityReport {
  dataset_id: string;
  release_id: string;
  checks: Check[];
  /** Per raw source behind the dataset: present, or absent (no endpoint configured) with the variables to set. */
  source_coverage: SourceCoverage[];
  /** Datasets the same publish held back (a failing error test, or only absent sources); their latest release is older. */
  held_back: HeldBackDataset[];
  drift: { previous_release_id: string | null; previous_rows: number | null; rows: number; change_pct: number | null };
  freshness: { source: string; entity: string; watermark: string | null; lag_hours: number | null }[];
  coverage: { orchestrators_in_release: number | null; orchestrators_known: number | null; share: number | null };
  /** What the raw snapshots behind the release ask a person to look at (e.g. event types nobody documents). */
  source_flags: { source: string; entity: string; flag: string }[];
}

/** Data-quality report: build checks, source coverage, hold-backs, row-count drift against the previous release, freshness, coverage. */
export function qualityReport(
  m: Pick<ReleaseManifest, 'dataset_id' | 'release_id' | 'row_count' | 'checks' | 'sources' | 'window' | 'source_coverage'>,
  previous: { release_id: string; row_count: number } | undefined,
  coverage: { inRelease: number | null; known: number | null },
  heldBack: HeldBackDataset[],
): QualityReport {
  const end = Date.parse(m.window.to);
  return {
    dataset_id: m.dataset_id,
    release_id: m.release_id,
    checks: m.checks,
    source_coverage: m.source_coverage,
    held_back: heldBack,
    drift: {
      previous_release_id: previous?.release_id ?? null,
      previous_rows: previous?.row_count ?? null,
      rows: m.row_count,
      change_pct: previous && previous.row_count > 0 ? Math.round(((m.row_count - previous.row_count) / previous.row_count) * 10_000) / 100 : null,
    },
    freshness: m.sources.map((s) => {
      const t = s.watermark ? Date.parse(s.watermark) : NaN;
      // Lag of the source's watermark behind the window end; negative when it runs ahead (grace hours).
      return { source: s.source, entity: s.entity, watermark: s.watermark, lag_hours: Number.isFinite(t) ? Math.round(((end - t) / 3_600_000) * 100) / 100 : null };
    }),
    coverage: {
      orchestrators_in_release: coverage.inRelease,
      orchestrators_known: coverage.known,
      share: coverage.inRelease !== null && coverage.known ? Math.round((coverage.inRelease / coverage.known) * 10_000) / 10_000 : null,
    },
    source_flags: m.sources.flatMap((s) => (s.flags ?? []).map((flag) => ({ source: s.source, entity: s.entity, flag }))),
  };
}

/** Row count, and the sum of every additive metric column, for static pages and quick checks. */
export async function summary(path: string, schema: SchemaColumn[], metricColumns: string[]): Promise<{ rows: number; sums: Record<string, number> }> {
  const s = await openSession({ allowedPaths: [path] });
  try {
    const sums = schema.filter((c) => metricColumns.includes(c.name) && /^(BIGINT|INTEGER|HUGEINT)$/.test(c.type)).map((c) => c.name);
    const select = ['count(*) AS rows', ...sums.map((c) => `sum(${sqlIdent(c)}) AS ${sqlIdent(c)}`)].join(', ');
    const [row] = await queryRows<Record<string, bigint | number | null>>(s.conn, `SELECT ${select} FROM read_parquet(${sqlString(path)})`);
    return { rows: Number(row!.rows), sums: Object.fromEntries(sums.map((c) => [c, Number(row![c] ?? 0)])) };
  } finally {
    s.close();
  }
}

/** Distinct non-null orchestrator addresses in a release file, when it has that column. */
export async function orchestratorsIn(path: string, schema: SchemaColumn[]): Promise<number | null> {
  if (!schema.some((c) => c.name === 'orchestrator_address')) return null;
  const s = await openSession({ allowedPaths: [path] });
  try {
    return Number((await queryRows<{ n: bigint }>(s.conn, `SELECT count(DISTINCT orchestrator_address) AS n FROM read_parquet(${sqlString(path)})`))[0]!.n);
  } finally {
    s.close();
  }
}

/** views.sql at the store root: `cd <store> && duckdb -c ".read views.sql"` gives one view per dataset. */
export function viewsSql(latest: { id: string; manifestKey: string; files: string[] }[]): string {
  const lines = ['-- DuckDB views over the latest release of every dataset. Run from the store root:', '--   duckdb -c ".read views.sql" -c "from orchestrator_workflow_hourly limit 5"', ''];
  for (const d of latest) {
    const dir = d.manifestKey.replace(/manifest\.json$/, '');
    // The partition column is inside every file, so the path's key=value is not read a second time.
    lines.push(`create or replace view ${d.id} as select * from read_parquet([${d.files.map((f) => sqlString(dir + f)).join(', ')}], hive_partitioning = false);`);
  }
  return lines.join('\n') + '\n';
}
