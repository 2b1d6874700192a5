// Gateway events from Kafka-sink archives (a folder or an S3 prefix): every family, de-duplicated on
// the envelope id, ordered by payload time, partitioned by family and payload date. Families no model
// reads are kept the same way under their own entity, types nobody documents under `unknown`
// (families.ts); each partition's manifest says which. Files are read by arrival hour; an event that
// arrives late re-opens the partition of the day it belongs to.
import { gunzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { endpoint } from '../../lib/config.ts';
import { progress } from '../../lib/log.ts';
import { openStore } from '../../lib/objects.ts';
import { partitionDir, QUARANTINE_FILE, readManifest, RECORDS_FILE, SnapshotWriter, type SnapshotManifest } from '../../lib/snapshot.ts';
import { HOUR_MS, iso, isoDay, ms } from '../../lib/time.ts';
import { readWatermark, writeWatermark } from '../../lib/watermark.ts';
import type { Job, JobContext, JobResult } from '../job.ts';
import { familyStatus, UNKNOWN_ENTITY } from './families.ts';
import { checkEvent } from './validate.ts';

export const SOURCE = 'gateway_events';
const VERSION = '1.0.0';
const HOUR_DIR = /^topics\/([^/]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/[^/]+\.json(\.gz)?$/;

interface Kept {
  id: string;
  type: string;
  payloadMs: number;
  line: string;
}

interface Bucket {
  kept: (Kept & { file: string })[];
  rejected: { raw: string; reason: string; file: string }[];
  files: Set<string>;
}

export interface GatewayEventsOptions {
  /** Test hook: called after each partition is committed (a throw here simulates a crash). */
  afterPartition?: (committed: number) => void;
}

function bucketFor(map: Map<string, Bucket>, key: string): Bucket {
  let b = map.get(key);
  if (!b) map.set(key, (b = { kept: [], rejected: [], files: new Set() }));
  return b;
}

/** Reads the records and quarantine of a partition written by an earlier run. */
async function existing(dir: string): Promise<{ lines: string[]; rejected: { raw: string; reason: string }[] }> {
  const lines: string[] = [];
  const rejected: { raw: string; reason: string }[] = [];
  if (existsSync(join(dir, RECORDS_FILE))) {
    const text = gunzipSync(await readFile(join(dir, RECORDS_FILE))).toString('utf8');
    for (const l of text.split('\n')) if (l) lines.push(l);
  }
  if (existsSync(join(dir, QUARANTINE_FILE))) {
    for (const l of (await readFile(join(dir, QUARANTINE_FILE), 'utf8')).split('\n')) if (l) rejected.push(JSON.parse(l) as { raw: string; reason: string });
  }
  return { lines, rejected };
}

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

  const buckets = new Map<string, Bucket>();
  const seen = new Set<string>();
  let read = 0;
  const bar = progress(log, 'gateway_events.archive', keys.length);
  for (const key of keys) {
    const raw = await store.get(key);
    const text = (key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const arrivalDay = isoDay(ms(Date.parse(`${key.replace(HOUR_DIR, '$2-$3-$4T$5:00:00Z')}`)));
    for (const line of text.split('\n')) {
      if (line === '') continue;
      read++;
      const c = checkEvent(line);
      if (!c.ok) {
        // Undatable or unreadable lines are kept under the day their file arrived.
        const b = bucketFor(buckets, `_invalid|${arrivalDay}`);
        b.rejected.push({ raw: line, reason: c.reason, file: key });
        b.files.add(key);
        continue;
      }
      const b = bucketFor(buckets, `${c.entity}|${isoDay(ms(c.payloadMs))}`);
      b.files.add(key);
      if (seen.has(c.id)) {
        b.rejected.push({ raw: line, reason: 'duplicate envelope id', file: key });
        continue;
      }
      seen.add(c.id);
      b.kept.push({ id: c.id, type: c.type, payloadMs: c.payloadMs, line, file: key });
    }
    bar.tick();
  }
  bar.end({ lines: read });

  const manifests: SnapshotManifest[] = [];
  let kept = 0;
  let quarantined = 0;
  let replayed = 0;
  const unknownTypes: string[] = [];
  for (const key of [...buckets.keys()].sort()) {
    const [entity, day] = key.split('|') as [string, string];
    const b = buckets.get(key)!;
    const target = { dataDir: config.dataDir, source: SOURCE, entity, partition: `date=${day}` };
    const prior = await existing(partitionDir(target));
    const priorFiles = ((await readManifest(partitionDir(target)))?.extra.archive_files as string[] | undefined) ?? [];
    const all = new Map<string, Kept>();
    for (const line of prior.lines) {
      const c = checkEvent(line);
      if (c.ok) all.set(c.id, { id: c.id, type: c.type, payloadMs: c.payloadMs, line });
    }
    // A run that stopped after committing this partition but before moving the watermark has
    // already merged these files here; their lines are skipped, so a resumed run adds nothing twice.
    const merged = new Set(priorFiles);
    const fresh = b.rejected.filter((r) => !merged.has(r.file));
    replayed += b.rejected.length - fresh.length;
    const rejected = [...prior.rejected, ...fresh.map(({ raw, reason }) => ({ raw, reason }))];
    quarantined += fresh.length;
    for (const k of b.kept) {
      if (merged.has(k.file)) {
        replayed++;
        continue;
      }
      // An id already in the partition from an earlier run is a re-delivery, not a new event.
      if (all.has(k.id)) {
        rejected.push({ raw: k.line, reason: 'duplicate envelope id' });
        quarantined++;
      } else {
        all.set(k.id, k);
        kept++;
      }
    }
    const w = new SnapshotWriter(target);
    for (const k of [...all.values()].sort((x, y) => x.payloadMs - y.payloadMs || (x.id < y.id ? -1 : 1))) await w.add(k.line);
    for (const r of rejected) w.reject(r.raw, r.reason);
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const kinds = familyFigures(entity, all.values());
    if (kinds.status === 'unknown') unknownTypes.push(...Object.keys(kinds.types ?? {}));
    manifests.push(
      await w.commit(
        {
          job: 'gateway_events.archive',
          jobVersion: VERSION,
          endpoint: store.uri,
          query: { layout: 'topics/<topic>/year=/month=/day=/hour=/<topic>+<partition>+<offset>.json.gz', family: entity },
          window: { from: iso(ms(dayStart)), to: iso(ms(dayStart + 24 * HOUR_MS)) },
          extra: {
            archive_files: [...new Set([...priorFiles, ...b.files])].sort(),
            family_status: kinds.status,
            ...(kinds.types ? { types: kinds.types, flags: Object.entries(kinds.types).map(([t, n]) => `unknown event type ${t} (${n} events)`) } : {}),
          },
        },
        ctx.fetchedAt,
      ),
    );
    opts.afterPartition?.(manifests.length);
  }
  await writeWatermark(config.dataDir, SOURCE, 'archive', iso(ms(untilMs)));
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

/**
 * What a partition holds: the family status of its entity (`_invalid` holds only quarantine) and,
 * for the unknown entity, how many records of each type it keeps.
 */
function familyFigures(entity: string, records: Iterable<Kept>): { status: string; types?: Record<string, number> } {
  if (entity === '_invalid') return { status: 'invalid' };
  if (entity !== UNKNOWN_ENTITY) return { status: familyStatus(entity) };
  const types: Record<string, number> = {};
  for (const r of records) types[r.type] = (types[r.type] ?? 0) + 1;
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
