// The Prometheus connector against the peer over HTTP: one series object per sub-range, split under
// the points limit without losing or repeating a sample, watermarks, and the same bytes through
// 429s and 5xx bursts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import type { SnapshotManifest } from '../../lib/snapshot.ts';
import type { JobContext } from '../../jobs/job.ts';
import { createPrometheusJobs, FAMILIES, subRanges, type PrometheusJobOptions } from '../../jobs/prometheus/jobs.ts';
import { startPrometheus } from '../../network/prometheus/server.ts';
import { createWorld } from '../../network/world.ts';
import { gatewayActivity } from './activity.ts';

process.env.LPDATA_LOG_LEVEL = 'error';

// A small network keeps the day's matrices small; the series logic does not depend on its size.
const world = createWorld({ start: '2026-11-16', days: 2, scale: 0.25 });
const activity = gatewayActivity(world, 200);
const FETCHED_AT = new Date('2026-11-18T06:00:00Z');
const DAYS = ['2026-11-16', '2026-11-17'];
const fast: PrometheusJobOptions = { http: { baseDelayMs: 5, retries: 6 } };
const dirs: string[] = [];
const peers: { stop(): Promise<void> }[] = [];

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'prometheus-'));
  dirs.push(d);
  return d;
}

function context(dataDir: string, url: string, window = world.window): JobContext {
  return { config: loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_PROMETHEUS_URL: url }), window, log: logger(), fetchedAt: FETCHED_AT };
}

async function runAll(dataDir: string, url: string, opts = fast) {
  const out = [];
  for (const job of createPrometheusJobs(opts)) out.push(await job.run(context(dataDir, url)));
  return out;
}

async function partition(dataDir: string, entity: string, date: string) {
  const dir = join(dataDir, 'raw', 'prometheus', entity, `date=${date}`);
  const text = await readFile(join(dir, '_manifest.json'), 'utf8');
  const records = gunzipSync(await readFile(join(dir, 'records.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
  return { manifest: JSON.parse(text) as SnapshotManifest, records, manifestText: text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT') };
}

let peer: Awaited<ReturnType<typeof startPrometheus>>;
let baseline: string;

beforeAll(async () => {
  peer = await startPrometheus(world, activity);
  peers.push(peer);
  baseline = await tempDir();
  await runAll(baseline, peer.url);
});

afterAll(async () => {
  for (const p of peers) await p.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('Prometheus connector', () => {
  it('stores each family\'s series per day exactly as query_range returns them', async () => {
    for (const f of FAMILIES) {
      for (const date of DAYS) {
        const from = Date.parse(`${date}T00:00:00Z`);
        const q = new URLSearchParams({ query: f.query, start: String(from / 1000), end: String((from + 86_400_000 - 60_000) / 1000), step: '60' });
        const expected = ((await (await fetch(`${peer.url}/api/v1/query_range?${q}`)).json()) as { data: { result: unknown[] } }).data.result.map((s) => JSON.stringify(s));
        const { records, manifest } = await partition(baseline, f.entity, date);
        expect(records).toEqual(expected);
        expect(records.length).toBeGreaterThan(0);
        expect(manifest.extra).toEqual({ requests: 1, series: expected.length });
        const lengths = records.map((r) => (JSON.parse(r) as { values: unknown[] }).values.length);
        // A day holds at most 1440 one-minute points; series already alive at midnight hold all of them.
        expect(Math.max(...lengths)).toBe(date === DAYS[1] ? 1440 : Math.max(...lengths));
        expect(lengths.every((n) => n <= 1440)).toBe(true);
      }
    }
  });

  it('splits a day into sub-ranges under the points limit without losing or repeating samples', async () => {
    expect(subRanges({ from: 0 as never, to: 86_400_000 as never }, 60_000, 500)).toEqual([
      { start: 0, end: 29_940_000 },
      { start: 30_000_000, end: 59_940_000 },
      { start: 60_000_000, end: 86_340_000 },
    ]);
    const dir = await tempDir();
    const job = createPrometheusJobs({ ...fast, maxPoints: 500 }).find((j) => j.entity === 'ai_container_idle')!;
    await job.run(context(dir, peer.url));
    const split = await partition(dir, 'ai_container_idle', '2026-11-16');
    const whole = await partition(baseline, 'ai_container_idle', '2026-11-16');
    expect(split.manifest.extra.requests).toBe(3);
    const joined = new Map<string, unknown[]>();
    for (const r of split.records) {
      const s = JSON.parse(r) as { metric: object; values: unknown[] };
      const k = JSON.stringify(s.metric);
      joined.set(k, [...(joined.get(k) ?? []), ...s.values]);
    }
    const expected = new Map(whole.records.map((r) => {
      const s = JSON.parse(r) as { metric: object; values: unknown[] };
      return [JSON.stringify(s.metric), s.values] as const;
    }));
    expect(joined).toEqual(expected);
  });

  it('skips completed days on the next run', async () => {
    const before = peer.log.length;
    const results = await runAll(baseline, peer.url);
    expect(results.every((r) => r.upToDate)).toBe(true);
    expect(peer.log.length).toBe(before);
  });

  it('waits out a 429 Retry-After and retries 5xx bursts, writing the same bytes', async () => {
    const flaky = await startPrometheus(world, activity);
    peers.push(flaky);
    flaky.inject(
      { status: 503, headers: { 'content-type': 'application/json' }, body: '{"status":"error","errorType":"unavailable","error":"tsdb not ready"}' },
      { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: '{"status":"error","errorType":"too_many_requests","error":"too many concurrent queries, try again later"}' },
      { status: 502, body: 'bad gateway' },
    );
    const dir = await tempDir();
    const job = createPrometheusJobs(fast)[0]!;
    const started = Date.now();
    await job.run(context(dir, flaky.url));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    for (const date of DAYS) {
      expect((await partition(dir, job.entity, date)).manifestText).toBe((await partition(baseline, job.entity, date)).manifestText);
    }
  });

  it('quarantines series with non-numeric samples and fails loudly on bad_data', async () => {
    const bad = await startPrometheus(world, activity);
    peers.push(bad);
    const series = (v: string) => ({ metric: { __name__: 'livepeer_orchestrator_swaps', node_id: 'x' }, values: [[1794787200, v]] });
    bad.inject({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [series('3'), series('three'), series('NaN')] } }) });
    const dir = await tempDir();
    const job = createPrometheusJobs(fast).find((j) => j.entity === 'orchestrator_swaps')!;
    const day = { from: world.window.from, to: (world.window.from + 86_400_000) as typeof world.window.to };
    const r = await job.run(context(dir, bad.url, day));
    expect([r.rows, r.quarantined]).toEqual([2, 1]);
    expect((await partition(dir, 'orchestrator_swaps', '2026-11-16')).manifest.quarantine_reasons).toEqual({ 'non-numeric sample value': 1 });
    bad.inject({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:1: parse error: no expression found in input"}' });
    await expect(job.run(context(await tempDir(), bad.url, day))).rejects.toThrow(/HTTP 400 .*bad_data/);
  });
});
