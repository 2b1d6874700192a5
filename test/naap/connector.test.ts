// The NaaP connector against the real peer over HTTP: every row once, per-day partitions,
// watermarks, and the same bytes whether the server throttles, fails for a while, or not.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import type { SnapshotManifest } from '../../lib/snapshot.ts';
import type { JobContext } from '../../jobs/job.ts';
import { createNaapJobs, type NaapJobOptions } from '../../jobs/naap/jobs.ts';
import { startNaap } from '../../network/naap/server.ts';
import { createWorld } from '../../network/world.ts';
import { bulkActivity } from './truth.ts';

process.env.LPDATA_LOG_LEVEL = 'error';

const world = createWorld({ start: '2026-11-16', days: 2 });
const activity = bulkActivity(world, 300);
const FETCHED_AT = new Date('2026-11-18T06:00:00Z');
const fast: NaapJobOptions = { pageLimit: 40, http: { baseDelayMs: 5, retries: 6 } };
const dirs: string[] = [];
const peers: { stop(): Promise<void> }[] = [];

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'naap-'));
  dirs.push(d);
  return d;
}

function context(dataDir: string, url: string, window = world.window): JobContext {
  return { config: loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_NAAP_URL: url }), window, log: logger({ test: 'naap' }), fetchedAt: FETCHED_AT };
}

async function runAll(dataDir: string, url: string, opts: NaapJobOptions = fast) {
  const results = [];
  for (const job of createNaapJobs(opts)) results.push(await job.run(context(dataDir, url)));
  return results;
}

async function partition(dataDir: string, entity: string, date: string) {
  const dir = join(dataDir, 'raw', 'naap', entity, `date=${date}`);
  const manifest = JSON.parse(await readFile(join(dir, '_manifest.json'), 'utf8')) as SnapshotManifest;
  const records = gunzipSync(await readFile(join(dir, 'records.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
  // Peers listen on a fresh port each; everything else in the manifest must match byte for byte.
  const manifestText = (await readFile(join(dir, '_manifest.json'), 'utf8')).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
  return { manifest, records, manifestText };
}

let peer: Awaited<ReturnType<typeof startNaap>>;
let baseline: string;

beforeAll(async () => {
  peer = await startNaap(world, activity, { rateLimit: { perSecond: 1e6, burst: 1e6 } });
  peers.push(peer);
  baseline = await tempDir();
  await runAll(baseline, peer.url);
});

afterAll(async () => {
  for (const p of peers) await p.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const ENTITIES = [
  ['sla', 'sla'],
  ['demand', 'demand'],
  ['gpu_metrics', 'gpuMetrics'],
  ['ai_batch_jobs', 'aiBatchJobs'],
] as const;

describe('NaaP connector', () => {
  it('stores every row of every day exactly once, as the API sent it', async () => {
    for (const [entity, table] of ENTITIES) {
      for (const date of ['2026-11-16', '2026-11-17']) {
        const from = Date.parse(`${date}T00:00:00Z`);
        const expected = peer.tables[table].filter((r) => r.t >= from && r.t < from + 86_400_000).map((r) => JSON.stringify(r.row));
        const { manifest, records } = await partition(baseline, entity, date);
        expect([...records].sort()).toEqual([...expected].sort());
        expect(manifest.rows).toBe(expected.length);
        expect(manifest.quarantined).toBe(0);
        expect(manifest.extra.pages).toBe(Math.max(1, Math.ceil(expected.length / 40)));
        expect(manifest.query).toEqual({ route: expect.stringMatching(/^\/v1\//), params: { start: `${date}T00:00:00Z`, end: expect.stringMatching(/T00:00:00Z$/), limit: '40' } });
        expect(manifest.fetched_at).toBe(FETCHED_AT.toISOString());
      }
    }
    const orchs = await partition(baseline, 'orchestrators', '2026-11-17');
    expect(orchs.records.map((r) => JSON.parse(r))).toEqual(peer.tables.orchestrators);
  });

  it('skips days a previous run completed', async () => {
    const before = peer.log.length;
    const results = await runAll(baseline, peer.url);
    const paged = results.filter((r) => r.job !== 'naap.orchestrators');
    expect(paged.every((r) => r.upToDate === true && r.manifests.length === 0)).toBe(true);
    // Only the inventory snapshot, which has no window, is fetched again.
    expect(peer.log.slice(before)).toEqual(['GET /v1/streaming/orchestrators']);
  });

  it('honours 429 Retry-After from a throttling server and writes the same bytes', async () => {
    const opts: NaapJobOptions = { ...fast, pageLimit: 100, pace: { perSecond: 10_000, burst: 10_000 } };
    const sla = () => createNaapJobs(opts).find((j) => j.entity === 'sla')!;
    const normalDir = await tempDir();
    await sla().run(context(normalDir, peer.url));
    const throttled = await startNaap(world, activity, { rateLimit: { perSecond: 2, burst: 4 } });
    peers.push(throttled);
    const dir = await tempDir();
    await sla().run(context(dir, throttled.url));
    let pages = 0;
    for (const date of ['2026-11-16', '2026-11-17']) {
      const a = await partition(normalDir, 'sla', date);
      expect((await partition(dir, 'sla', date)).manifestText).toBe(a.manifestText);
      pages += a.manifest.extra.pages as number;
    }
    // More requests than pages: some were refused with 429 and sent again after Retry-After.
    expect(throttled.log.length).toBeGreaterThan(pages);
  });

  it('retries a burst of 5xx replies and writes the same bytes', async () => {
    const flaky = await startNaap(world, activity, { rateLimit: { perSecond: 1e6, burst: 1e6 } });
    peers.push(flaky);
    const fail = { status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream unavailable' };
    flaky.inject(fail, fail, fail, { status: 502, body: 'bad gateway' });
    const dir = await tempDir();
    const [sla] = await runAll(dir, flaky.url);
    expect(sla!.rows).toBeGreaterThan(0);
    for (const date of ['2026-11-16', '2026-11-17']) {
      expect((await partition(dir, 'sla', date)).manifestText).toBe((await partition(baseline, 'sla', date)).manifestText);
    }
  });

  it('quarantines rows without window_start or with non-numeric counters', async () => {
    const bad = await startNaap(world, activity);
    peers.push(bad);
    const good = peer.tables.sla[0]!.row;
    const page = {
      data: [good, { ...good, window_start: undefined }, { ...good, requested_sessions: '3' }],
      pagination: { next_cursor: '', has_more: false, page_size: 3 },
      meta: {},
    };
    bad.inject({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(page) });
    const dir = await tempDir();
    const job = createNaapJobs(fast).find((j) => j.entity === 'sla')!;
    const day = { from: world.window.from, to: (world.window.from + 86_400_000) as typeof world.window.to };
    const result = await job.run(context(dir, bad.url, day));
    expect(result.rows).toBe(1);
    expect(result.quarantined).toBe(2);
    const { manifest } = await partition(dir, 'sla', '2026-11-16');
    expect(manifest.quarantine_reasons).toEqual({ 'missing or unparseable window_start': 1, 'non-numeric counter requested_sessions': 1 });
    const q = (await readFile(join(dir, 'raw', 'naap', 'sla', 'date=2026-11-16', 'quarantine.ndjson'), 'utf8')).trim().split('\n');
    expect(q).toHaveLength(2);
  });

  it('fetches a day the window cuts on every run and never records it complete', async () => {
    const dir = await tempDir();
    const job = createNaapJobs(fast).find((j) => j.entity === 'demand')!;
    const half = { from: world.window.from, to: (world.window.from + 12 * 3_600_000) as typeof world.window.to };
    const first = await job.run(context(dir, peer.url, half));
    const second = await job.run(context(dir, peer.url, half));
    expect(first.manifests).toHaveLength(1);
    expect(second.manifests).toHaveLength(1);
    expect(second.upToDate).toBe(false);
    const expected = peer.tables.demand.filter((r) => r.t < half.to).length;
    expect((await partition(dir, 'demand', '2026-11-16')).records).toHaveLength(expected);
  });

  it('stops with a clear error on a 4xx it cannot retry', async () => {
    const broken = await startNaap(world, activity);
    peers.push(broken);
    broken.inject({ status: 400, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"about:blank","title":"Bad Request","status":400,"detail":"invalid cursor: decode token"}\n' });
    const dir = await tempDir();
    const job = createNaapJobs(fast).find((j) => j.entity === 'demand')!;
    await expect(job.run(context(dir, broken.url))).rejects.toThrow(/HTTP 400 .*invalid cursor/);
  });
});
