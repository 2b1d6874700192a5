// What every ingest job is: a named fetch of one source entity into raw snapshots.
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/log.ts';
import type { SnapshotManifest } from '../lib/snapshot.ts';
import type { Window } from '../lib/time.ts';

export interface JobContext {
  config: Config;
  /** The window the run covers; jobs never read the clock to decide what to fetch. */
  window: Window;
  log: Logger;
  /** Fixed fetch time for reproducible manifests in tests; defaults to the clock. */
  fetchedAt?: Date;
}

export interface JobResult {
  job: string;
  manifests: SnapshotManifest[];
  read: number;
  rows: number;
  quarantined: number;
  bytes: number;
  errors: number;
  duration_ms: number;
  /** True when the watermark said there was nothing new to fetch. */
  upToDate?: boolean;
}

export interface Job {
  /** `<source>.<entity>`, e.g. `subgraph.transcoders`. */
  name: string;
  source: string;
  entity: string;
  version: string;
  description: string;
  run(ctx: JobContext): Promise<JobResult>;
}

export function summarise(job: string, manifests: SnapshotManifest[], started: number, extra: Partial<JobResult> = {}): JobResult {
  return {
    job,
    manifests,
    read: manifests.reduce((s, m) => s + m.read, 0),
    rows: manifests.reduce((s, m) => s + m.rows, 0),
    quarantined: manifests.reduce((s, m) => s + m.quarantined, 0),
    bytes: manifests.reduce((s, m) => s + m.bytes, 0),
    errors: 0,
    duration_ms: Date.now() - started,
    ...extra,
  };
}
