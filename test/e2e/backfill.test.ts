// Scale-out: a two-day window built as two shards, each in its own data folder, then merged and
// released, publishes the same bytes and release ids as one run over both days; the shards build on
// one thread and the run on four, so the bytes do not depend on DuckDB's threads either. A second
// build of unchanged days skips every model.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill, shardWindow } from '../../jobs/backfill.ts';
import { buildModels, ingest, release } from '../../jobs/pipeline.ts';
import { ALL_JOBS } from '../../jobs/registry.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { isoDay } from '../../lib/time.ts';
import type { Published, ReleaseManifest } from '../../datasets/publish.ts';
import { startNetwork, type EmbeddedNetwork } from '../../network/index.ts';

const log = logger({ test: 'backfill' });
const WORLD = { seed: 'backfill-shards', scale: 0.3, start: '2026-11-16', days: 2 };
const FETCHED_AT = new Date('2026-11-18T03:00:00Z');
// Load tests measure real time against the reference gateway, so their datasets differ per ingest.
const TIMED = new Set(['loadtest_runs', 'loadtest_requests', 'workflow_traffic_daily']);

let root: string;
let net: EmbeddedNetwork;
const config = (name: string): Config => ({ ...loadConfig({ LPDATA_DATA_DIR: join(root, name, 'data') }), ...net.settings, endpoints: net.endpoints });
const withThreads = async <T>(n: number, fn: () => Promise<T>): Promise<T> => {
  const before = process.env.LPDATA_DUCKDB_THREADS;
  process.env.LPDATA_DUCKDB_THREADS = String(n);
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.LPDATA_DUCKDB_THREADS;
    else process.env.LPDATA_DUCKDB_THREADS = before;
  }
};

let one: Published[];
let merged: Published[];
let shardDays: (string | null)[];
let secondBuild: Awaited<ReturnType<typeof buildModels>>;
let loneRelease: unknown;

/** What a CI shard uploads: its day builds and records, and the raw manifests the release's source figures read. */
function copyShard(from: string, to: string): void {
  cpSync(join(from, 'build'), join(to, 'build'), { recursive: true, filter: (src) => !src.endsWith('report.json') });
  cpSync(join(from, 'raw'), join(to, 'raw'), { recursive: true, filter: (src) => !/\.(gz|ndjson)$/.test(src) });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-backfill-'));
  net = await startNetwork({ dir: join(root, 'network'), world: WORLD, log });
  const window = net.world.window;
  const run = config('run');
  await withThreads(4, async () => {
    await ingest(ALL_JOBS, run, window, log, FETCHED_AT);
    expect((await buildModels(run, window, log)).failed).toEqual([]);
    const r = await release(run, window, log);
    expect(r.held_back).toEqual([]);
    one = r.published;
    secondBuild = await buildModels(run, window, log);
  });
  await withThreads(1, async () => {
    const shards = [0, 1].map((index) => ({ index, count: 2 }));
    shardDays = shards.map((s) => (shardWindow(window, s) ? isoDay(shardWindow(window, s)!.from) : null));
    for (const s of shards) await backfill(config(`shard${s.index}`), window, s, log, { release: false, fetchedAt: FETCHED_AT });
    loneRelease = await release(config('shard0'), window, log).catch((err: Error) => err.message);
    const into = config('merged');
    for (const s of shards) copyShard(config(`shard${s.index}`).dataDir, into.dataDir);
    merged = (await release(into, window, log)).published;
  });
}, 900_000);

afterAll(async () => {
  await net?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('sharded backfill', () => {
  it('gives each shard one day of the two', () => {
    expect(shardDays).toEqual(['2026-11-16', '2026-11-17']);
  });

  it('releases nothing from one shard alone, naming the day another shard builds', () => {
    expect(loneRelease).toMatch(/1 of the window's 2 day\(s\) have not been built/);
    expect(loneRelease).toContain('2026-11-17T00:00:00Z..2026-11-18T00:00:00Z');
  });

  it('publishes, from the merged shards, the release ids and part bytes of one run over both days', () => {
    const ids = (p: Published[]) => p.filter((x) => !TIMED.has(x.dataset_id)).map((x) => `${x.dataset_id} ${x.release_id}`);
    expect(ids(one).length).toBeGreaterThan(20);
    expect(ids(merged)).toEqual(ids(one));
    const parts = (name: string, p: Published) => (JSON.parse(readFileSync(join(root, name, 'data', 'store', p.manifestKey), 'utf8')) as ReleaseManifest).files.map((f) => `${f.path} ${f.sha256} ${f.rows}`);
    for (const p of one.filter((x) => !TIMED.has(x.dataset_id))) expect(parts('merged', merged.find((m) => m.dataset_id === p.dataset_id)!), p.dataset_id).toEqual(parts('run', p));
  });

  it('keeps session facts Hive-partitioned by day, one partition per day of the window', () => {
    const facts = one.find((p) => p.dataset_id === 'live_session_facts')!;
    const m = JSON.parse(readFileSync(join(root, 'run', 'data', 'store', facts.manifestKey), 'utf8')) as ReleaseManifest;
    expect(m.files.map((f) => f.path)).toEqual(['date=2026-11-16/part-0.parquet', 'date=2026-11-17/part-0.parquet']);
    expect(m.files.every((f) => f.rows > 0)).toBe(true);
  });

  it('skips every model of a day whose inputs did not change', () => {
    expect(secondBuild.days.map((d) => [d.day, d.built.length])).toEqual([['2026-11-16', 0], ['2026-11-17', 0]]);
    expect(secondBuild.days.every((d) => d.skipped.length === secondBuild.built.length)).toBe(true);
    expect(existsSync(join(root, 'run', 'data', 'build', 'days', 'day=2026-11-17.json'))).toBe(true);
  });
});
