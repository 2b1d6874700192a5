// Load-test bundles from a folder or an S3 prefix: each run's manifest and per-request records,
// checked against the record count and sha256 the manifest promises before anything is kept.
import { endpoint } from '../../lib/config.ts';
import { sha256 } from '../../lib/hash.ts';
import { openStore } from '../../lib/objects.ts';
import { SnapshotWriter, type SnapshotManifest } from '../../lib/snapshot.ts';
import { days, iso, isoDay } from '../../lib/time.ts';
import type { Job, JobContext, JobResult } from '../job.ts';

const SOURCE = 'loadtest';
const VERSION = '1.0.0';

interface BundleManifest {
  format?: string;
  run_id?: string;
  started_at?: string;
  records?: { file?: string; count?: number; sha256?: string };
}

async function run(ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { config, window, log } = ctx;
  const store = await openStore(endpoint(config, 'loadtests'), config.s3);
  const manifests = (await store.list('runs/')).filter((k) => /^runs\/[^/]+\/manifest\.json$/.test(k));
  const out: SnapshotManifest[] = [];
  let read = 0;
  let rows = 0;
  let quarantined = 0;
  // Parse every manifest once; one that cannot be read cannot be dated, so it is quarantined in the
  // window's first day.
  const parsed: { key: string; text: string; m: BundleManifest | null }[] = [];
  for (const key of manifests) {
    const text = (await store.get(key)).toString('utf8');
    let m: BundleManifest | null = null;
    try {
      m = JSON.parse(text) as BundleManifest;
    } catch {
      m = null;
    }
    parsed.push({ key, text, m });
  }
  const windowDays = days(window);
  for (const [i, day] of windowDays.entries()) {
    const date = isoDay(day.from);
    const runs = new SnapshotWriter({ dataDir: config.dataDir, source: SOURCE, entity: 'runs', partition: `date=${date}` });
    const requests = new SnapshotWriter({ dataDir: config.dataDir, source: SOURCE, entity: 'requests', partition: `date=${date}` });
    const keys: string[] = [];
    for (const { key, text, m } of parsed) {
      if (!m) {
        if (i === 0) {
          runs.reject(text, 'manifest is not JSON');
          read++;
          quarantined++;
        }
        continue;
      }
      const startedAt = m.started_at ? Date.parse(m.started_at) : NaN;
      if (!(startedAt >= day.from && startedAt < day.to)) continue;
      keys.push(key);
      read++;
      const dir = key.slice(0, -'manifest.json'.length);
      const recordsKey = dir + (m.records?.file ?? 'requests.ndjson');
      if (!m.run_id || !m.records?.sha256 || typeof m.records.count !== 'number') {
        runs.reject(text, 'manifest lacks run_id or records count and sha256');
        quarantined++;
        continue;
      }
      const body = (await store.exists(recordsKey)) ? (await store.get(recordsKey)).toString('utf8') : null;
      const lines = body === null ? [] : body.split('\n').filter((l) => l !== '');
      if (body === null || sha256(body) !== m.records.sha256 || lines.length !== m.records.count) {
        const why = body === null ? 'records file missing' : sha256(body) !== m.records.sha256 ? 'records sha256 does not match the manifest' : 'record count does not match the manifest';
        runs.reject(text, why);
        quarantined++;
        continue;
      }
      // One record per line: the pretty-printed manifest is stored as compact JSON of the same value.
      await runs.add(JSON.stringify(m));
      rows++;
      for (const l of lines) {
        read++;
        try {
          JSON.parse(l);
          await requests.add(l);
          rows++;
        } catch {
          requests.reject(l, 'request record is not JSON');
          quarantined++;
        }
      }
    }
    const meta = (entity: string) => ({ job: `loadtest.${entity}`, jobVersion: VERSION, endpoint: store.uri, query: { manifests: keys }, window: { from: iso(day.from), to: iso(day.to) } });
    out.push(await runs.commit(meta('runs'), ctx.fetchedAt));
    out.push(await requests.commit(meta('requests'), ctx.fetchedAt));
  }
  log.info('load-test bundles read', { runs: manifests.length, read, rows, quarantined });
  return { job: 'loadtest.bundles', manifests: out, read, rows, quarantined, bytes: out.reduce((s, m) => s + m.bytes, 0), errors: 0, duration_ms: Date.now() - started };
}

export const loadtestJob: Job = {
  name: 'loadtest.bundles',
  source: SOURCE,
  entity: 'bundles',
  version: VERSION,
  description: 'Load-test bundles (run manifest + per-request outcomes), verified against their sha256',
  run,
};
