// Daily partitions for time-sliced sources: one `date=YYYY-MM-DD` partition per UTC day of a
// window. A day fetched in full is recorded in the entity's watermark and skipped by later runs;
// a partial day (the window cuts it) is fetched every time and never recorded as complete.
import type { Logger } from './log.ts';
import { SnapshotWriter, type SnapshotManifest, type SnapshotMeta } from './snapshot.ts';
import { DAY_MS, days, iso, isoDay, ms, type Window } from './time.ts';
import { readWatermark, writeWatermark } from './watermark.ts';

export interface DailyRun {
  dataDir: string;
  source: string;
  entity: string;
  window: Window;
  log: Logger;
  fetchedAt?: Date;
}

export interface DailyResult {
  manifests: SnapshotManifest[];
  /** Days skipped because an earlier run completed them. */
  skipped: string[];
}

export async function completeDays(dataDir: string, source: string, entity: string): Promise<Set<string>> {
  const wm = await readWatermark(dataDir, source, entity);
  const list = wm?.state?.complete_days;
  return new Set(Array.isArray(list) ? (list as string[]) : []);
}

/** Fetches each day of the window into its own partition through `fetchDay`, which fills the writer. */
export async function runDaily(run: DailyRun, fetchDay: (day: Window, writer: SnapshotWriter) => Promise<SnapshotMeta>): Promise<DailyResult> {
  const done = await completeDays(run.dataDir, run.source, run.entity);
  const manifests: SnapshotManifest[] = [];
  const skipped: string[] = [];
  for (const day of days(run.window)) {
    const date = isoDay(day.from);
    const whole = day.to - day.from === DAY_MS;
    if (whole && done.has(date)) {
      skipped.push(date);
      continue;
    }
    const writer = new SnapshotWriter({ dataDir: run.dataDir, source: run.source, entity: run.entity, partition: `date=${date}` });
    let meta: SnapshotMeta;
    try {
      meta = await fetchDay(day, writer);
    } catch (err) {
      await writer.abort();
      throw err;
    }
    const manifest = await writer.commit(meta, run.fetchedAt);
    manifests.push(manifest);
    run.log.info('partition written', { source: run.source, entity: run.entity, partition: manifest.partition, rows: manifest.rows, quarantined: manifest.quarantined });
    if (whole) {
      done.add(date);
      const sorted = [...done].sort();
      await writeWatermark(run.dataDir, run.source, run.entity, iso(ms(Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`) + DAY_MS)), { complete_days: sorted });
    }
  }
  if (skipped.length > 0) run.log.info('days already complete', { source: run.source, entity: run.entity, skipped });
  return { manifests, skipped };
}
