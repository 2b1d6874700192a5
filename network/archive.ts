// Writes gateway events the way a Kafka-to-object-storage sink does: one folder per topic and
// arrival hour, one gzip NDJSON file per Kafka partition, records in offset (arrival) order.
// Delivery is made realistic: small delays, a few late arrivals, re-deliveries and broken records.
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { dirname, join } from 'node:path';
import { crc32, createGzip } from 'node:zlib';
import { Rng } from '../lib/rng.ts';
import { HOUR_MS } from '../lib/time.ts';
import type { Activity, Envelope } from './activity.ts';

export const TOPICS = { daydream: 'network_events', cloudspe: 'streaming_events' } as const;
const PARTITIONS = 3;

export interface ArchiveFaults {
  /** Share of events re-delivered with the same envelope id. */
  duplicateP: number;
  /** Share of events that arrive 1-90 minutes late. */
  lateP: number;
  /** Broken records per 10,000 events (truncated, wrong types, missing event type, missing timestamp). */
  brokenPer10k: number;
}

export const DEFAULT_FAULTS: ArchiveFaults = { duplicateP: 0.002, lateP: 0.005, brokenPer10k: 2 };

/**
 * Files being compressed at once (an hour's worth: two topics, three partitions); past this the
 * simulation waits (`settled`), so at most about two hours of lines are ever held.
 */
const MAX_IN_FLIGHT = 2 * 3;
/** Lines go to the compressor in chunks of about this many characters. */
const CHUNK = 1 << 20;
/**
 * Level 1: at millions of events a day compression would otherwise cost as much as simulating;
 * files come out about a quarter larger than at the default level 6.
 */
const GZIP_LEVEL = 1;

export interface ArchiveSummary {
  files: string[];
  events: number;
  duplicates: number;
  late: number;
  broken: { reason: string; line: string }[];
}

function hourPath(topic: string, t: number): string {
  const d = new Date(Math.floor(t / HOUR_MS) * HOUR_MS).toISOString();
  return `topics/${topic}/year=${d.slice(0, 4)}/month=${d.slice(5, 7)}/day=${d.slice(8, 10)}/hour=${d.slice(11, 13)}`;
}

/** Broken lines of the kinds a connector must quarantine, each derived from a real event. */
function breakLine(rng: Rng, line: string, e: { id: string; type: string; timestamp: string }): { reason: string; line: string } {
  const kind = rng.int(0, 4);
  const obj = JSON.parse(line) as Record<string, unknown>;
  switch (kind) {
    case 0:
      return { reason: 'truncated JSON', line: line.slice(0, Math.max(10, Math.floor(line.length / 2))) };
    case 1:
      obj.timestamp = { seconds: Math.floor(Number(e.timestamp) / 1000) };
      return { reason: 'envelope timestamp of the wrong type', line: JSON.stringify(obj) };
    case 2:
      // A type of any name is valid input (families.ts); a record without one is not.
      obj.type = rng.pick(['', null]);
      return { reason: 'missing event type', line: JSON.stringify(obj) };
    case 3:
      delete obj.timestamp;
      return { reason: 'missing envelope timestamp', line: JSON.stringify(obj) };
    default:
      obj.data = 'null';
      return { reason: 'payload is not an object', line: JSON.stringify(obj) };
  }
}

/**
 * Streams events into the archive as they are made. An event arrives 5 ms to 1.5 s after its
 * envelope time (late ones up to 90 min, re-deliveries up to 20 s more), so once no event earlier
 * than `t` can come, no hour ending at or before `t` can receive another line: `advance` writes
 * those hours' files and forgets them. Offsets run on per topic and partition in hour order.
 */
export class ArchiveWriter {
  private readonly rng: Rng;
  /** `<hour ms>|<topic>|<partition>` -> lines of that file and their arrival times, not yet in arrival order. */
  private readonly open = new Map<string, { arrivals: number[]; lines: string[] }>();
  private readonly offsets = new Map<string, number>();
  private writtenBefore = -Infinity;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  readonly summary: ArchiveSummary = { files: [], events: 0, duplicates: 0, late: 0, broken: [] };

  constructor(
    private readonly root: string,
    seed: string,
    private readonly faults: ArchiveFaults = DEFAULT_FAULTS,
  ) {
    this.rng = new Rng(`${seed}/archive`);
    rmSync(join(root, 'topics'), { recursive: true, force: true });
  }

  event(e: Envelope, org: keyof typeof TOPICS): void {
    const { rng, faults, summary } = this;
    const topic = TOPICS[org];
    let arrival = Number(e.timestamp) + rng.int(5, 1500);
    if (rng.chance(faults.lateP)) {
      arrival += rng.int(60_000, 90 * 60_000);
      summary.late++;
    }
    let line = JSON.stringify(e);
    if (rng.next() * 10_000 < faults.brokenPer10k) {
      const b = breakLine(rng, line, e);
      summary.broken.push(b);
      line = b.line;
    }
    this.put(topic, e.id, arrival, line);
    summary.events++;
    if (rng.chance(faults.duplicateP)) {
      this.put(topic, e.id, arrival + rng.int(1_000, 20_000), line);
      summary.duplicates++;
    }
  }

  private put(topic: string, id: string, arrival: number, line: string): void {
    const hour = Math.floor(arrival / HOUR_MS) * HOUR_MS;
    if (hour < this.writtenBefore) throw new Error(`archive: a record arrived at ${arrival}, in an hour already written`);
    const key = `${hour}|${topic}|${crc32(id) % PARTITIONS}`;
    let file = this.open.get(key);
    if (!file) this.open.set(key, (file = { arrivals: [], lines: [] }));
    file.arrivals.push(arrival);
    file.lines.push(line);
  }

  /** Every event before `t` has been given: write the hours that end by then. */
  advance(t: number): void {
    const before = Math.floor(t / HOUR_MS) * HOUR_MS;
    if (before <= this.writtenBefore) return;
    const ready = [...this.open.keys()].filter((k) => Number(k.slice(0, k.indexOf('|'))) < before);
    ready.sort((a, b) => {
      const [ha, ta, pa] = a.split('|');
      const [hb, tb, pb] = b.split('|');
      return Number(ha) - Number(hb) || (ta! < tb! ? -1 : ta! > tb! ? 1 : Number(pa) - Number(pb));
    });
    for (const key of ready) this.write(key);
    this.writtenBefore = before;
  }

  private write(key: string): void {
    const [hour, topic, partition] = key.split('|') as [string, string, string];
    const { arrivals, lines } = this.open.get(key)!;
    this.open.delete(key);
    // Offset (arrival) order; equal arrivals keep the order they were made in.
    const order = Array.from(lines.keys()).sort((a, b) => arrivals[a]! - arrivals[b]! || a - b);
    const okey = `${topic}+${partition}`;
    const start = this.offsets.get(okey) ?? 0;
    this.offsets.set(okey, start + lines.length);
    const rel = `${hourPath(topic, Number(hour))}/${topic}+${partition}+${String(start).padStart(10, '0')}.json.gz`;
    const path = join(this.root, rel);
    mkdirSync(dirname(path), { recursive: true });
    const done = compress(path, lines, order)
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    this.summary.files.push(rel);
  }

  /** Whether files are being written: the caller should let the event loop turn now and then. */
  get writing(): boolean {
    return this.inFlight.size > 0;
  }

  /** Whether the caller should wait for `settled` before making more events. */
  get busy(): boolean {
    return this.inFlight.size >= MAX_IN_FLIGHT;
  }

  /** Waits for the files being written; throws the first write that failed. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  /** Writes every hour left and returns the summary, files in path order. */
  async finish(): Promise<ArchiveSummary> {
    this.advance(Infinity);
    await this.settled();
    this.summary.files.sort();
    return this.summary;
  }
}

/**
 * Streams one file's lines, in `order`, through gzip (on the thread pool) to disk, a chunk at a
 * time, so no file is ever held whole as one string or buffer; it goes on while the simulation
 * does, whenever the event loop turns.
 */
async function compress(path: string, lines: string[], order: number[]): Promise<void> {
  const gz = createGzip({ level: GZIP_LEVEL });
  const done = pipeline(gz, createWriteStream(path));
  let chunk = '';
  for (const i of order) {
    chunk += lines[i] + '\n';
    // Each line is let go as soon as it is in a chunk.
    lines[i] = '';
    if (chunk.length >= CHUNK) {
      if (!gz.write(chunk)) await once(gz, 'drain');
      chunk = '';
    }
  }
  gz.end(chunk);
  await done;
}

/** Writes a whole in-memory activity (small worlds; the network streams through ArchiveWriter). */
export async function writeArchive(root: string, activity: Pick<Activity, 'events' | 'eventOrgs'>, seed: string, faults: ArchiveFaults = DEFAULT_FAULTS): Promise<ArchiveSummary> {
  const w = new ArchiveWriter(root, seed, faults);
  activity.events.forEach((e, i) => w.event(e, activity.eventOrgs[i]!));
  return w.finish();
}
