// Gateway events from Kafka-sink archives (a folder or an S3 prefix): every family, de-duplicated on
// the envelope id, ordered by payload time, partitioned by family and payload date. Families no model
// reads are kept the same way under their own entity, types nobody documents under `unknown`
// (families.ts); each partition's manifest says which. Files are read by arrival hour; an event that
// arrives late re-opens the partition of the day it belongs to.
//
// The lines never pass through JS: DuckDB reads the archives, applies the rules (validate.ts),
// de-duplicates, merges each touched partition with what an earlier run stored, and writes each
// partition's records and quarantine with COPY, spilling to disk past its memory limit. JS only
// lists files, reads earlier manifests and writes new ones from per-partition counts.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { endpoint } from '../../lib/config.ts';
import { openSession, queryRows, sqlString, type Session } from '../../lib/duckdb.ts';
import { copyLinesSql, jsonStringSql, readLinesSql } from '../../lib/lines.ts';
import { progress, type Logger } from '../../lib/log.ts';
import { FolderStore, openStore, type ObjectStore } from '../../lib/objects.ts';
import { commitStaged, gzipRecords, partitionDir, QUARANTINE_FILE, readManifest, RECORDS_FILE, stagingDir, type SnapshotManifest, type SnapshotTarget } from '../../lib/snapshot.ts';
import { HOUR_MS, iso, ms } from '../../lib/time.ts';
import { readWatermark, writeWatermark } from '../../lib/watermark.ts';
import type { Job, JobContext, JobResult } from '../job.ts';
import { familyStatus, UNKNOWN_ENTITY } from './families.ts';
import { checkedEventsSql } from './validate.ts';

export const SOURCE = 'gateway_events';
const VERSION = '1.0.0';
const HOUR_DIR = /^topics\/([^/]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/[^/]+\.json(\.gz)?$/;
/** Where undatable or unreadable lines go: the day their file arrived. */
const INVALID_ENTITY = '_invalid';
const DUPLICATE = 'duplicate envelope id';
/** Partitions compressing while DuckDB writes the next one. */
const GZIP_AHEAD = 2;

export interface GatewayEventsOptions {
  /** Test hook: called after each partition is committed (a throw here simulates a crash). */
  afterPartition?: (committed: number) => void;
}

/** One partition this run touches, with what an earlier run stored there. */
interface Touched {
  entity: string;
  day: string;
  files: string[];
  priorFiles: string[];
  prior?: SnapshotManifest;
}

/** Archive files as local paths DuckDB can read: a folder store in place, S3 objects copied one at a time. */
async function localFiles(store: ObjectStore, keys: string[], scratch: string, log: Logger): Promise<{ root: string; paths: string[] }> {
  if (store instanceof FolderStore) return { root: store.root, paths: keys.map((k) => join(store.root, k)) };
  const root = join(scratch, 'archives');
  const bar = progress(log, 'gateway_events.download', keys.length);
  for (const k of keys) {
    await mkdir(dirname(join(root, k)), { recursive: true });
    await writeFile(join(root, k), await store.get(k));
    bar.tick();
  }
  bar.end({});
  return { root, paths: keys.map((k) => join(root, k)) };
}

const count = (v: unknown) => Number(v ?? 0);

async function run(ctx: JobContext, opts: GatewayEventsOptions): Promise<JobResult> {
  const started = Date.now();
  const { config, window, log } = ctx;
  const location = endpoint(config, 'gatewayEvents');
  const store = await openStore(location, config.s3);
  const wm = await readWatermark(config.dataDir, SOURCE, 'archive');
  // Files are read by arrival hour up to a grace period past the window, and the watermark moves to
  // the end of that period: the next window starts where this one stopped, so no file is read twice.
  const untilMs = window.to + config.arrivalGraceHours * HOUR_MS;
  const fromMs = Math.max(window.from, wm ? Date.parse(String(wm.value)) : 0);
  if (fromMs >= untilMs) {
    log.info('gateway events up to date', { watermark: wm?.value });
    return { job: 'gateway_events.archive', manifests: [], read: 0, rows: 0, quarantined: 0, bytes: 0, errors: 0, duration_ms: Date.now() - started, upToDate: true };
  }
  const keys = (await store.list('topics/')).filter((k) => {
    const m = HOUR_DIR.exec(k);
    if (!m) return false;
    const hour = Date.parse(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:00:00Z`);
    return hour >= fromMs && hour < untilMs;
  });
  log.info('reading gateway event archives', { files: keys.length, from: iso(ms(fromMs)), to: iso(ms(untilMs)) });

  const figures = { read: 0, kept: 0, quarantined: 0, replayed: 0 };
  const manifests: SnapshotManifest[] = [];
  const unknownTypes: string[] = [];
  if (keys.length > 0) {
    const scratch = join(config.dataDir, 'tmp', `gateway-events-${process.pid}`);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    // A day of the real network's events is several GB of text and the process must stay under 2 GB:
    // the session's tables live in a database file in the scratch folder, paged to disk past the
    // memory limit (tables of an in-memory database are not), and sorts spill beside it.
    const session = await openSession({ memoryLimit: process.env.LPDATA_DUCKDB_MEMORY ?? '1500MB', databaseFile: join(scratch, 'ingest.duckdb') });
    try {
      await session.conn.run(`SET temp_directory = ${sqlString(join(scratch, 'spill'))}`);
      const files = await localFiles(store, keys, scratch, log);
      await partitionAll(session, files, ctx, store.uri, opts, figures, manifests, unknownTypes);
    } finally {
      session.close();
      await rm(scratch, { recursive: true, force: true });
    }
  }
  await writeWatermark(config.dataDir, SOURCE, 'archive', iso(ms(untilMs)));
  const { read, kept, quarantined, replayed } = figures;
  if (read !== kept + quarantined + replayed) throw new Error(`gateway events do not reconcile: read ${read} != kept ${kept} + quarantined ${quarantined} + already stored ${replayed}`);
  log.info('gateway events reconciled', { read, kept, quarantined, already_stored: replayed, partitions: manifests.length });
  // Unknown types are kept, not quarantined, but a person should look: a new producer or family.
  if (unknownTypes.length > 0) log.warn('gateway events of unknown types kept under gateway_events/unknown', { types: [...new Set(unknownTypes)].sort() });
  return {
    job: 'gateway_events.archive',
    manifests,
    // Lines an interrupted earlier run already stored are not counted again.
    read: read - replayed,
    rows: kept,
    quarantined,
    bytes: manifests.reduce((s, m) => s + m.bytes, 0),
    errors: 0,
    duration_ms: Date.now() - started,
  };
}

async function partitionAll(
  session: Session,
  files: { root: string; paths: string[] },
  ctx: JobContext,
  storeUri: string,
  opts: GatewayEventsOptions,
  figures: { read: number; kept: number; quarantined: number; replayed: number },
  manifests: SnapshotManifest[],
  unknownTypes: string[],
): Promise<void> {
  const { conn } = session;
  const { config } = ctx;
  // Where the time goes, logged at the end: the benchmark compares this path with bare DuckDB.
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = (timings[step] ?? 0) + Date.now() - t0;
    }
  };
  const target = (entity: string, day: string): SnapshotTarget => ({ dataDir: config.dataDir, source: SOURCE, entity, partition: `date=${day}` });

  // Every line of the window's files, checked and routed: a line the rules reject goes to the day
  // its file arrived, a kept one to its family and payload day. Files are read side by side and
  // their rows interleave, but one thread reads each file (parallel = false) and appends its rows in
  // order, so (file, rowid) is file-then-line order: `seq`, which decides which delivery of an id
  // comes first.
  const keys = files.paths.map((p) => p.slice(files.root.length + 1));
  await conn.run(`CREATE TABLE files (file_index BIGINT, file VARCHAR, arrival_day VARCHAR)`);
  await conn.run(`INSERT INTO files VALUES ${keys.map((k, i) => `(${i}, ${sqlString(k)}, ${sqlString(k.replace(HOUR_DIR, '$2-$3-$4'))})`).join(', ')}`);
  const lines = `(SELECT file_index, line FROM ${readLinesSql(files.paths, { parallel: false })} WHERE line IS NOT NULL)`;
  await timed('read_check_ms', () =>
    conn.run(`CREATE TABLE checked AS
      SELECT file_index, line, reason, id, type, payload_ms, coalesce(entity, '${INVALID_ENTITY}') AS entity,
        CASE WHEN reason IS NULL THEN strftime(epoch_ms(floor(payload_ms)::BIGINT), '%Y-%m-%d') END AS day
      FROM ${checkedEventsSql(lines)}`),
  );
  await conn.run(`CREATE VIEW ev AS
    SELECT (c.file_index << 40) + c.rowid AS seq, c.* EXCLUDE (day), coalesce(c.day, f.arrival_day) AS day
    FROM checked c JOIN files f USING (file_index)`);
  // The first delivery of an id, in file then line order, is the one kept.
  await conn.run(`CREATE TABLE firsts AS SELECT id, min(seq) AS first_seq FROM ev WHERE reason IS NULL GROUP BY id`);

  const touched: Touched[] = [];
  for (const r of await queryRows<{ entity: string; day: string; files: string[] }>(conn, `SELECT entity, day, list(DISTINCT file) AS files FROM ev JOIN files USING (file_index) GROUP BY entity, day`)) {
    const prior = await readManifest(partitionDir(target(r.entity, r.day)));
    touched.push({ entity: r.entity, day: r.day, files: r.files, prior, priorFiles: (prior?.extra.archive_files as string[] | undefined) ?? [] });
  }
  // JS string order, as every run has written them.
  touched.sort((a, b) => (`${a.entity}|${a.day}` < `${b.entity}|${b.day}` ? -1 : 1));

  // What earlier runs stored in these partitions: their records are merged, their quarantine kept.
  // A run that stopped after committing a partition but before moving the watermark has already
  // merged some files there; their lines are skipped, so a resumed run adds nothing twice.
  const priorFiles = touched.flatMap((t) => t.priorFiles.map((f) => `(${sqlString(t.entity)}, ${sqlString(t.day)}, ${sqlString(f)})`));
  await conn.run(`CREATE TABLE prior_files (entity VARCHAR, day VARCHAR, file VARCHAR)`);
  if (priorFiles.length > 0) await conn.run(`INSERT INTO prior_files VALUES ${priorFiles.join(', ')}`);
  const withPrior = touched.filter((t) => t.prior);
  const priorPaths = (file: string) => withPrior.map((t) => join(partitionDir(target(t.entity, t.day)), file)).filter((p) => existsSync(p));
  const partitionOf = (file: string) => `regexp_extract(filename, '/([^/]+)/date=([0-9-]+)/${file.replaceAll('.', '\\.')}$', ['entity', 'day'])`;
  const recPaths = priorPaths(RECORDS_FILE);
  const qPaths = priorPaths(QUARANTINE_FILE);
  await conn.run(
    recPaths.length === 0
      ? `CREATE TABLE prior_rec (entity VARCHAR, day VARCHAR, id VARCHAR, type VARCHAR, payload_ms DOUBLE, line VARCHAR)`
      : `CREATE TABLE prior_rec AS SELECT p.entity, p.day, id, type, payload_ms, line
         FROM (SELECT *, ${partitionOf(RECORDS_FILE)} AS p FROM ${checkedEventsSql(`(SELECT line, filename FROM ${readLinesSql(recPaths, { filename: true })} WHERE line IS NOT NULL)`)})`,
  );
  await conn.run(
    qPaths.length === 0
      ? `CREATE TABLE prior_q (entity VARCHAR, day VARCHAR, line VARCHAR)`
      : `CREATE TABLE prior_q AS SELECT p.entity, p.day, line FROM (SELECT line, ${partitionOf(QUARANTINE_FILE)} AS p FROM ${readLinesSql(qPaths, { filename: true, parallel: false })} WHERE line IS NOT NULL)`,
  );

  // Every partition's records and quarantine, in the order they are written: records by payload
  // time then id; quarantine as earlier runs left it, then this run's rejections and re-deliveries
  // in file order, then re-deliveries of what an earlier run kept.
  await timed('merge_ms', () => conn.run(`CREATE TABLE out AS
    WITH fresh AS (
      SELECT e.*, (e.reason IS NULL AND e.seq > f.first_seq) AS in_run_dup
      FROM ev e
      LEFT JOIN firsts f ON f.id = e.id
      ANTI JOIN (SELECT pf.entity, pf.day, fi.file_index FROM prior_files pf JOIN files fi USING (file)) pf
        ON pf.entity = e.entity AND pf.day = e.day AND pf.file_index = e.file_index
    ),
    classified AS (
      SELECT fresh.*, (reason IS NULL AND NOT in_run_dup AND p.id IS NOT NULL) AS prior_dup
      FROM fresh LEFT JOIN (SELECT DISTINCT entity, day, id FROM prior_rec) p ON p.entity = fresh.entity AND p.day = fresh.day AND p.id = fresh.id
    ),
    rows AS (
      SELECT entity, day, 'r' AS kind, payload_ms, id, type, NULL::INTEGER AS q_order, seq, NULL::VARCHAR AS reason, line
      FROM classified WHERE reason IS NULL AND NOT in_run_dup AND NOT prior_dup
      UNION ALL
      SELECT entity, day, 'r', payload_ms, id, type, NULL, NULL, NULL, line FROM prior_rec
      UNION ALL
      SELECT entity, day, 'q', NULL, NULL, NULL, 0, rowid, line ->> '$.reason', line FROM prior_q
      UNION ALL
      SELECT entity, day, 'q', NULL, NULL, NULL, CASE WHEN prior_dup THEN 2 ELSE 1 END, seq, coalesce(reason, '${DUPLICATE}'),
        '{"reason":' || ${jsonStringSql(`coalesce(reason, '${DUPLICATE}')`)} || ',"raw":' || ${jsonStringSql('line')} || '}'
      FROM classified WHERE reason IS NOT NULL OR in_run_dup OR prior_dup
    )
    -- In the order each partition is written: its COPY below scans its own row groups in order.
    SELECT * FROM rows ORDER BY entity, day, kind, payload_ms, id, q_order, seq, line`));
  figures.read += count((await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM ev`))[0]!.n);
  figures.replayed += count((await queryRows<{ n: bigint }>(conn, `SELECT count(*) AS n FROM ev e JOIN files f USING (file_index) SEMI JOIN prior_files pf ON pf.entity = e.entity AND pf.day = e.day AND pf.file = f.file`))[0]!.n);
  const fresh = (await queryRows<{ kept: bigint; quarantined: bigint }>(conn, `SELECT count(*) FILTER (kind = 'r' AND seq IS NOT NULL) AS kept, count(*) FILTER (kind = 'q' AND q_order > 0) AS quarantined FROM out`))[0]!;
  figures.kept += count(fresh.kept);
  figures.quarantined += count(fresh.quarantined);

  // Per-partition counts: rows and types kept, quarantine reasons.
  const rowsBy = new Map<string, { rows: number; types: Record<string, number> }>();
  for (const r of await queryRows<{ entity: string; day: string; type: string; n: bigint }>(conn, `SELECT entity, day, type, count(*) AS n FROM out WHERE kind = 'r' GROUP BY ALL ORDER BY type`)) {
    const k = `${r.entity}|${r.day}`;
    const e = rowsBy.get(k) ?? rowsBy.set(k, { rows: 0, types: {} }).get(k)!;
    e.rows += count(r.n);
    e.types[r.type] = count(r.n);
  }
  const reasonsBy = new Map<string, Record<string, number>>();
  for (const r of await queryRows<{ entity: string; day: string; reason: string; n: bigint }>(conn, `SELECT entity, day, reason, count(*) AS n FROM out WHERE kind = 'q' GROUP BY ALL ORDER BY reason`)) {
    const k = `${r.entity}|${r.day}`;
    (reasonsBy.get(k) ?? reasonsBy.set(k, {}).get(k)!)[r.reason] = count(r.n);
  }

  const bar = progress(ctx.log, 'gateway_events.partitions', touched.length);
  // DuckDB writes each partition's lines plain and zlib compresses them (DuckDB's own gzip is
  // several times slower; zlib gives the bytes every other writer of records gives). zlib runs in
  // libuv's pool, so up to GZIP_AHEAD partitions compress while DuckDB writes the next; partitions
  // are still committed one by one, in order.
  const staged: { t: Touched; tmp: string; compressed: Promise<void> }[] = [];
  const commitOldest = async () => {
    const { t, tmp, compressed } = staged.shift()!;
    await timed('gzip_wait_ms', () => compressed);
    const k = `${t.entity}|${t.day}`;
    const kept = rowsBy.get(k) ?? { rows: 0, types: {} };
    const reasons = reasonsBy.get(k) ?? {};
    const kinds = familyFigures(t.entity, kept.types);
    if (kinds.status === 'unknown') unknownTypes.push(...Object.keys(kinds.types ?? {}));
    const dayStart = Date.parse(`${t.day}T00:00:00Z`);
    manifests.push(
      await commitStaged(
        target(t.entity, t.day),
        tmp,
        {
          job: 'gateway_events.archive',
          jobVersion: VERSION,
          endpoint: storeUri,
          query: { layout: 'topics/<topic>/year=/month=/day=/hour=/<topic>+<partition>+<offset>.json.gz', family: t.entity },
          window: { from: iso(ms(dayStart)), to: iso(ms(dayStart + 24 * HOUR_MS)) },
          extra: {
            archive_files: [...new Set([...t.priorFiles, ...t.files])].sort(),
            family_status: kinds.status,
            ...(kinds.types ? { types: kinds.types, flags: Object.entries(kinds.types).map(([type, n]) => `unknown event type ${type} (${n} events)`) } : {}),
          },
        },
        { rows: kept.rows, quarantined: Object.values(reasons).reduce((n, x) => n + x, 0), reasons },
        ctx.fetchedAt,
      ),
    );
    bar.tick();
    opts.afterPartition?.(manifests.length);
  };
  try {
    for (const t of touched) {
      const tmp = stagingDir(target(t.entity, t.day));
      await mkdir(tmp, { recursive: true });
      const where = `entity = ${sqlString(t.entity)} AND day = ${sqlString(t.day)}`;
      const plain = join(tmp, 'records.ndjson');
      // `out` is in write order and a filtered table scan keeps it.
      await timed('write_ms', () => conn.run(copyLinesSql(`SELECT line FROM out WHERE ${where} AND kind = 'r'`, plain)));
      if (reasonsBy.has(`${t.entity}|${t.day}`)) await timed('write_ms', () => conn.run(copyLinesSql(`SELECT line FROM out WHERE ${where} AND kind = 'q'`, join(tmp, QUARANTINE_FILE))));
      const compressed = gzipRecords(plain, join(tmp, RECORDS_FILE));
      // Awaited in order below; marked handled so a failure while another is awaited is not unhandled.
      compressed.catch(() => {});
      staged.push({ t, tmp, compressed });
      if (staged.length > GZIP_AHEAD) await commitOldest();
    }
    while (staged.length > 0) await commitOldest();
  } finally {
    // After a failure: partitions not committed leave nothing behind.
    await Promise.allSettled(staged.map((x) => x.compressed));
    await Promise.all(staged.map((x) => rm(x.tmp, { recursive: true, force: true })));
  }
  bar.end({ lines: figures.read });
  ctx.log.info('gateway events timings', timings);
}

/**
 * What a partition holds: the family status of its entity (`_invalid` holds only quarantine) and,
 * for the unknown entity, how many records of each type it keeps.
 */
function familyFigures(entity: string, types: Record<string, number>): { status: string; types?: Record<string, number> } {
  if (entity === INVALID_ENTITY) return { status: 'invalid' };
  if (entity !== UNKNOWN_ENTITY) return { status: familyStatus(entity) };
  return { status: 'unknown', types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

export function createGatewayEventsJob(opts: GatewayEventsOptions = {}): Job {
  return {
    name: 'gateway_events.archive',
    source: SOURCE,
    entity: 'archive',
    version: VERSION,
    description: 'Gateway event archives (Kafka-sink NDJSON.gz) -> one raw partition per family (modelled, stored or unknown) and payload day',
    run: (ctx) => run(ctx, opts),
  };
}

export const gatewayEventsJob = createGatewayEventsJob();
