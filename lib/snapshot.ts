// Raw snapshots: what a source returned, one record per line, plus a provenance manifest and a
// quarantine file. A partition is written under a temporary name and renamed into place, so a
// crash never leaves a half-written partition and a rerun replaces it whole.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sha256File, stableJson } from './hash.ts';

export interface SnapshotTarget {
  dataDir: string;
  source: string;
  entity: string;
  /** `date=YYYY-MM-DD`, `blocks=<from>_<to>` or `block=<n>`. */
  partition: string;
}

export interface SnapshotMeta {
  job: string;
  jobVersion: string;
  /** Endpoint with credentials removed (see redactUrl). */
  endpoint: string;
  query?: unknown;
  window?: { from: string; to: string };
  blockRange?: { from: number; to: number };
  block?: number;
  /** Source-specific facts worth keeping (pages fetched, block hashes, ...). */
  extra?: Record<string, unknown>;
}

export interface FileEntry {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface SnapshotManifest {
  source: string;
  entity: string;
  partition: string;
  job: string;
  job_version: string;
  endpoint: string;
  query: unknown;
  window: { from: string; to: string } | null;
  block_range: { from: number; to: number } | null;
  block: number | null;
  fetched_at: string;
  read: number;
  rows: number;
  quarantined: number;
  quarantine_reasons: Record<string, number>;
  bytes: number;
  sha256: string;
  files: FileEntry[];
  extra: Record<string, unknown>;
}

export const RECORDS_FILE = 'records.ndjson.gz';
export const QUARANTINE_FILE = 'quarantine.ndjson';
export const MANIFEST_FILE = '_manifest.json';

/** zlib's default: every writer compresses records alike, so the same lines give the same bytes. */
const GZIP_LEVEL = 6;

/** Compresses a plain records file into `dst` as SnapshotWriter would, streaming, and removes it. */
export async function gzipRecords(src: string, dst: string): Promise<void> {
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createGzip({ level: GZIP_LEVEL }), createWriteStream(dst));
  await rm(src);
}

export function partitionDir(t: SnapshotTarget): string {
  return join(t.dataDir, 'raw', t.source, t.entity, t.partition);
}

let writers = 0;

/** Streams records into a new partition; `commit` makes it visible atomically. */
export class SnapshotWriter {
  private readonly tmp: string;
  private readonly gzip = createGzip({ level: GZIP_LEVEL });
  private readonly out: Promise<import('node:fs').WriteStream>;
  private rows = 0;
  private readonly quarantine: string[] = [];
  private readonly reasons: Record<string, number> = {};

  constructor(private readonly target: SnapshotTarget) {
    // Unique per writer: an aborted writer's file stream may still be opening while a retry starts.
    const tmp = stagingDir(target);
    this.tmp = tmp;
    this.out = (async () => {
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      const file = createWriteStream(join(tmp, RECORDS_FILE));
      this.gzip.pipe(file);
      return file;
    })();
  }

  private pending: string[] = [];
  private pendingBytes = 0;

  /** One record as the source sent it (a JSON text without a newline). */
  async add(line: string): Promise<void> {
    this.rows++;
    this.pending.push(line);
    this.pendingBytes += line.length;
    // Batching matters: one gzip write per record is ten times slower at a million records.
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    await this.out;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
  }

  /** A record that could not be accepted, kept with the reason. */
  reject(raw: string, reason: string): void {
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    this.quarantine.push(JSON.stringify({ reason, raw }));
  }

  get counts() {
    return { rows: this.rows, quarantined: this.quarantine.length };
  }

  async commit(meta: SnapshotMeta, fetchedAt = new Date()): Promise<SnapshotManifest> {
    await this.flush();
    const file = await this.out;
    this.gzip.end();
    await once(file, 'finish');
    if (this.quarantine.length > 0) await writeFile(join(this.tmp, QUARANTINE_FILE), this.quarantine.join('\n') + '\n');
    return commitStaged(this.target, this.tmp, meta, { rows: this.rows, quarantined: this.quarantine.length, reasons: this.reasons }, fetchedAt);
  }

  async abort(): Promise<void> {
    const file = await this.out;
    this.gzip.destroy();
    file.destroy();
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/** A new temporary folder for a partition; the writer's pid and a counter make it unique. */
export const stagingDir = (target: SnapshotTarget): string => `${partitionDir(target)}.tmp-${process.pid}-${++writers}`;

/**
 * Makes a partition written into `tmp` by someone else (records file, quarantine file when
 * `quarantined` > 0) visible: hashes the files, writes the manifest and renames it into place.
 */
export async function commitStaged(
  target: SnapshotTarget,
  tmp: string,
  meta: SnapshotMeta,
  counts: { rows: number; quarantined: number; reasons: Record<string, number> },
  fetchedAt = new Date(),
): Promise<SnapshotManifest> {
  const files: FileEntry[] = [];
  const rec = await sha256File(join(tmp, RECORDS_FILE));
  files.push({ path: RECORDS_FILE, ...rec, rows: counts.rows });
  if (counts.quarantined > 0) files.push({ path: QUARANTINE_FILE, ...(await sha256File(join(tmp, QUARANTINE_FILE))), rows: counts.quarantined });
  const manifest: SnapshotManifest = {
    source: target.source,
    entity: target.entity,
    partition: target.partition,
    job: meta.job,
    job_version: meta.jobVersion,
    endpoint: meta.endpoint,
    query: meta.query ?? null,
    window: meta.window ?? null,
    block_range: meta.blockRange ?? null,
    block: meta.block ?? null,
    fetched_at: fetchedAt.toISOString(),
    read: counts.rows + counts.quarantined,
    rows: counts.rows,
    quarantined: counts.quarantined,
    quarantine_reasons: counts.reasons,
    bytes: rec.bytes,
    sha256: rec.sha256,
    files,
    extra: meta.extra ?? {},
  };
  await writeFile(join(tmp, MANIFEST_FILE), stableJson(manifest) + '\n');
  const dir = partitionDir(target);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return manifest;
}

/** Writes a whole partition from records already in memory. */
export async function writeSnapshot(
  target: SnapshotTarget,
  meta: SnapshotMeta,
  records: Iterable<string>,
  rejected: Iterable<{ raw: string; reason: string }> = [],
  fetchedAt?: Date,
): Promise<SnapshotManifest> {
  const w = new SnapshotWriter(target);
  for (const r of records) await w.add(r);
  for (const q of rejected) w.reject(q.raw, q.reason);
  return w.commit(meta, fetchedAt);
}

export async function readManifest(dir: string): Promise<SnapshotManifest | undefined> {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) return undefined;
  return JSON.parse(await readFile(p, 'utf8')) as SnapshotManifest;
}
