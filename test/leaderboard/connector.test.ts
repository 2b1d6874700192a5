// The leaderboard connector against the real peer over HTTP: every probe of a day stored once,
// aggregated stats kept with their queries, watermarks, and the same bytes through 429s and 5xx.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import type { SnapshotManifest } from '../../lib/snapshot.ts';
import type { JobContext } from '../../jobs/job.ts';
import { createLeaderboardJobs } from '../../jobs/leaderboard/jobs.ts';
import { startLeaderboard } from '../../network/leaderboard/server.ts';
import { createWorld } from '../../network/world.ts';

process.env.LPDATA_LOG_LEVEL = 'error';

const world = createWorld({ start: '2026-11-16', days: 2 });
const FETCHED_AT = new Date('2026-11-18T06:00:00Z');
const dirs: string[] = [];
const peers: { stop(): Promise<void> }[] = [];
const jobs = () => createLeaderboardJobs({ http: { baseDelayMs: 5, retries: 6 } });

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'leaderboard-'));
  dirs.push(d);
  return d;
}

function context(dataDir: string, url: string, aiUrl = url, window = world.window): JobContext {
  return { config: loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_LEADERBOARD_URL: url, LPDATA_AI_LEADERBOARD_URL: aiUrl }), window, log: logger(), fetchedAt: FETCHED_AT };
}

async function partition(dataDir: string, entity: string, date: string) {
  const dir = join(dataDir, 'raw', 'leaderboard', entity, `date=${date}`);
  const text = await readFile(join(dir, '_manifest.json'), 'utf8');
  const records = gunzipSync(await readFile(join(dir, 'records.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
  return { manifest: JSON.parse(text) as SnapshotManifest, records, manifestText: text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT') };
}

let peer: Awaited<ReturnType<typeof startLeaderboard>>;
let baseline: string;

beforeAll(async () => {
  peer = await startLeaderboard(world);
  peers.push(peer);
  baseline = await tempDir();
  for (const job of jobs()) await job.run(context(baseline, peer.url));
});

afterAll(async () => {
  for (const p of peers) await p.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('leaderboard connector', () => {
  it('stores every probe of each day exactly once, with the query that returned it', async () => {
    for (const date of ['2026-11-16', '2026-11-17']) {
      const from = Date.parse(`${date}T00:00:00Z`);
      const expected = peer.probes.filter((p) => p.eventTimeMs >= from && p.eventTimeMs < from + 86_400_000).map((p) => JSON.stringify(p.stats));
      const { records, manifest } = await partition(baseline, 'raw_stats', date);
      const stats = records.map((r) => JSON.parse(r) as { query: Record<string, string>; region: string; stats: Record<string, unknown> });
      expect(stats.length).toBe(expected.length);
      expect(stats.map((s) => JSON.stringify(s.stats)).sort().join('\n')).toBe([...expected].sort().join('\n'));
      for (const s of stats) {
        expect(s.query.since).toBe(String(from / 1000));
        expect(s.query.until).toBe(`${from / 1000 + 86_399}.999999`);
        expect(s.region).toBe(s.stats.region);
        expect(s.query.orchestrator).toBe(s.stats.orchestrator);
      }
      expect(manifest.quarantined).toBe(0);
    }
  });

  it('keeps one aggregated record per query and orchestrator, as the API returned it', async () => {
    const { records, manifest } = await partition(baseline, 'aggregated_stats', '2026-11-16');
    const parsed = records.map((r) => JSON.parse(r) as { query: Record<string, string>; orchestrator: string; regions: Record<string, unknown> });
    expect(Object.keys(parsed[0]!)).toEqual(['query', 'orchestrator', 'regions']);
    const queries = manifest.query as { deployment: string; path: string; params: Record<string, string> }[];
    expect(queries[0]).toMatchObject({ deployment: 'ai', path: '/api/pipelines' });
    const transcoding = queries.filter((q) => q.deployment === 'transcoding');
    expect(transcoding).toEqual([{ deployment: 'transcoding', path: '/api/aggregated_stats', params: { since: '1794787200', until: '1794873599.999999' } }]);
    const aiQueries = queries.filter((q) => q.path === '/api/aggregated_stats' && q.deployment === 'ai');
    expect(aiQueries.length).toBe(new Set(world.orchestrators.flatMap((o) => o.workflows.map((w) => w.model))).size);
    for (const q of [...aiQueries, ...transcoding]) {
      const res = await fetch(`${peer.url}${q.path}?${new URLSearchParams(q.params)}`);
      const body = (await res.json()) as Record<string, unknown>;
      // The manifest stores queries with sorted keys; records keep the order the connector sent.
      const sameQuery = (a: Record<string, string>) => Object.keys(a).length === Object.keys(q.params).length && Object.entries(q.params).every(([k, v]) => a[k] === v);
      const mine = parsed.filter((p) => sameQuery(p.query));
      expect(mine.map((p) => p.orchestrator)).toEqual(Object.keys(body));
      for (const p of mine) expect(p.regions).toEqual(body[p.orchestrator]);
    }
  });

  it('stores both deployments\' regions and the day\'s pipelines', async () => {
    const regions = await partition(baseline, 'regions', '2026-11-17');
    expect(regions.records).toHaveLength(2 * 26);
    expect(JSON.parse(regions.records[0]!)).toEqual({ deployment: 'transcoding', region: { id: 'GLOBAL', name: 'Global', type: 'transcoding' } });
    const pipelines = await partition(baseline, 'pipelines', '2026-11-16');
    expect(pipelines.records.map((r) => JSON.parse(r).pipeline.id)).toContain('Text to image');
  });

  it('skips completed days on the next run', async () => {
    const before = peer.log.length;
    for (const job of jobs()) {
      const r = await job.run(context(baseline, peer.url));
      if (job.entity !== 'regions') expect(r.upToDate).toBe(true);
    }
    expect(peer.log.slice(before)).toEqual(['GET /api/regions', 'GET /api/regions']);
  });

  it('waits out a 429 Retry-After and retries 5xx bursts, writing the same bytes', async () => {
    const flaky = await startLeaderboard(world);
    peers.push(flaky);
    flaky.inject(
      { status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, body: 'Too Many Requests' },
      { status: 503, body: 'unavailable' },
      { status: 500, body: 'A server error has occurred' },
      { status: 504, body: 'gateway timeout' },
    );
    const dir = await tempDir();
    const job = jobs().find((j) => j.entity === 'aggregated_stats')!;
    const started = Date.now();
    await job.run(context(dir, flaky.url));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    for (const date of ['2026-11-16', '2026-11-17']) {
      expect((await partition(dir, 'aggregated_stats', date)).manifestText).toBe((await partition(baseline, 'aggregated_stats', date)).manifestText);
    }
  });

  it('quarantines aggregated entries with non-numeric scores', async () => {
    const bad = await startLeaderboard(world);
    peers.push(bad);
    const good = { FRA: { success_rate: 1, round_trip_score: 0.8, score: 0.93 } };
    bad.inject(
      { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pipelines: [{ id: 'Llm', models: ['m'], regions: ['FRA'] }] }) },
      { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ '0xaa': good, '0xbb': { FRA: { success_rate: '1', round_trip_score: 0.8, score: 0.9 } } }) },
    );
    const dir = await tempDir();
    const job = jobs().find((j) => j.entity === 'aggregated_stats')!;
    const r = await job.run(context(dir, bad.url, bad.url, { from: world.window.from, to: (world.window.from + 86_400_000) as typeof world.window.to }));
    expect(r.quarantined).toBe(1);
    const { manifest } = await partition(dir, 'aggregated_stats', '2026-11-16');
    expect(manifest.quarantine_reasons).toEqual({ 'non-numeric score': 1 });
  });

  it('names the variable to set when an endpoint is missing', async () => {
    const dir = await tempDir();
    const ctx: JobContext = { config: loadConfig({ LPDATA_DATA_DIR: dir, LPDATA_LEADERBOARD_URL: peer.url }), window: world.window, log: logger() };
    await expect(jobs()[1]!.run(ctx)).rejects.toThrow(/LPDATA_AI_LEADERBOARD_URL/);
  });
});
