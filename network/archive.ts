// Writes gateway events the way a Kafka-to-object-storage sink does: one folder per topic and
// arrival hour, one gzip NDJSON file per Kafka partition, records in offset (arrival) order.
// Delivery is made realistic: small delays, a few late arrivals, re-deliveries and broken records.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { Rng } from '../lib/rng.ts';
import { HOUR_MS } from '../lib/time.ts';
import type { Activity } from './activity.ts';

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

export async function writeArchive(root: string, activity: Activity, seed: string, faults: ArchiveFaults = DEFAULT_FAULTS): Promise<ArchiveSummary> {
  const rng = new Rng(`${seed}/archive`);
  // file key -> lines in arrival order
  const files = new Map<string, { arrival: number; line: string }[]>();
  const summary: ArchiveSummary = { files: [], events: 0, duplicates: 0, late: 0, broken: [] };
  const put = (topic: string, id: string, arrival: number, line: string) => {
    const partition = crc32(id) % PARTITIONS;
    const key = `${hourPath(topic, arrival)}|${topic}|${partition}`;
    let list = files.get(key);
    if (!list) files.set(key, (list = []));
    list.push({ arrival, line });
  };
  activity.events.forEach((e, i) => {
    const topic = TOPICS[activity.eventOrgs[i]!];
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
    put(topic, e.id, arrival, line);
    summary.events++;
    if (rng.chance(faults.duplicateP)) {
      put(topic, e.id, arrival + rng.int(1_000, 20_000), line);
      summary.duplicates++;
    }
  });
  await rm(join(root, 'topics'), { recursive: true, force: true });
  const offsets = new Map<string, number>();
  for (const key of [...files.keys()].sort()) {
    const [dir, topic, partition] = key.split('|') as [string, string, string];
    const list = files.get(key)!.sort((a, b) => a.arrival - b.arrival);
    const okey = `${topic}+${partition}`;
    const start = offsets.get(okey) ?? 0;
    offsets.set(okey, start + list.length);
    const rel = `${dir}/${topic}+${partition}+${String(start).padStart(10, '0')}.json.gz`;
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, gzipSync(list.map((l) => l.line).join('\n') + '\n', { level: 6 }));
    summary.files.push(rel);
  }
  return summary;
}
