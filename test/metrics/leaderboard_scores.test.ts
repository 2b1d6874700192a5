// The leaderboard's scores reproduced in SQL (docs/sources.md §12.2, §12.3).
// 1. Embedded network: leaderboard_scores_daily, recomputed from the probe rows the connector
//    stored (raw_stats), equals the aggregated_stats the connector captured for the same windows,
//    every AI and transcoding row, to 1e-9.
// 2. Real recorded responses (../shared/real): they carry no probe rows, so only what the responses
//    themselves determine is reproduced: the transcoding score's last step (score = success_rate x
//    round_trip_score, bit for bit) and the explorer's GLOBAL mean (x 100) and top regional score.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboardJobs } from '../../jobs/leaderboard/jobs.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { parseWindow } from '../../lib/time.ts';
import { startLeaderboard } from '../../network/leaderboard/server.ts';
import { createWorld } from '../../network/world.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'metrics-leaderboard-scores' });
const WORLD = { seed: 'metrics-leaderboard-scores', scale: 0.5, start: '2026-11-16', days: 1 };
const FETCHED_AT = new Date('2026-11-17T03:00:00Z');
const REAL = new URL('../../../shared/real/', import.meta.url);

type Row = Record<string, unknown>;
type Response = Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>>;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const dirs: string[] = [];

async function read(dataDir: string, name: string): Promise<Row[]> {
  const path = builtFile(dataDir, 'published', name);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<Row>(s.conn, `SELECT * FROM read_parquet(${sqlString(path)})`);
  } finally {
    s.close();
  }
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('scores recomputed from probe rows equal the embedded leaderboard responses', () => {
  let rows: Row[];

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lp-metrics-lb-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const world = createWorld(WORLD);
    const lb = await startLeaderboard(world);
    try {
      const base = loadConfig({ LPDATA_DATA_DIR: dataDir });
      const config = { ...base, endpoints: { ...base.endpoints, leaderboard: lb.url, aiLeaderboard: lb.url } };
      const jobs = leaderboardJobs.filter((j) => j.name === 'leaderboard.aggregated_stats' || j.name === 'leaderboard.raw_stats');
      await ingest(jobs, config, world.window, log, FETCHED_AT);
      await buildModels(config, world.window, log, ['leaderboard_scores_daily']);
    } finally {
      await lb.stop();
    }
    rows = await read(dataDir, 'leaderboard_scores_daily');
  }, 180_000);

  it('pairs every reported score with a recomputed one, AI and transcoding', () => {
    expect(rows.length).toBeGreaterThan(50);
    expect(new Set(rows.map((r) => r.job_type))).toEqual(new Set(['ai', 'transcoding']));
    expect(rows.filter((r) => r.reported_score === null || num(r.probe_count) === 0)).toEqual([]);
    // Several AI workflows, each scored against its own network median.
    const medians = new Set(rows.filter((r) => r.job_type === 'ai').map((r) => `${r.leaderboard_pipeline}|${r.model}|${r.leaderboard_median_rtt_s}`));
    expect(medians.size).toBeGreaterThanOrEqual(3);
  });

  it('success_rate, round_trip_score and score match to 1e-9', () => {
    let worst = 0;
    for (const r of rows) {
      for (const [ours, theirs] of [['probe_success_rate', 'reported_success_rate'], ['leaderboard_round_trip_score', 'reported_round_trip_score'], ['leaderboard_score', 'reported_score']] as const) {
        const d = Math.abs(num(r[ours])! - num(r[theirs])!);
        expect(d, `${r.orchestrator_address} ${r.region} ${r.leaderboard_pipeline} ${ours}`).toBeLessThanOrEqual(1e-9);
        worst = Math.max(worst, d);
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

/** Stores a recorded transcoding aggregated_stats response as the connector would, and builds the models. */
async function buildFromResponse(file: string): Promise<{ response: Response; scores: Row[]; explorer: Row[] }> {
  const response = JSON.parse(readFileSync(new URL(file, REAL), 'utf8')) as Response;
  const dir = await mkdtemp(join(tmpdir(), 'lp-metrics-lb-real-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  // The recording has no date; it is filed as one transcoding query for an arbitrary day.
  const window = parseWindow('2026-11-16T00:00:00Z', '2026-11-17T00:00:00Z');
  const query = { since: String(window.from / 1000), until: `${window.to / 1000 - 1}.999999` };
  const part = join(dataDir, 'raw', 'leaderboard', 'aggregated_stats', 'date=2026-11-16');
  await mkdir(part, { recursive: true });
  const lines = Object.entries(response).map(([orchestrator, regions]) => JSON.stringify({ query, orchestrator, regions }));
  await writeFile(join(part, 'records.ndjson.gz'), gzipSync(lines.join('\n') + '\n'));
  const config = loadConfig({ LPDATA_DATA_DIR: dataDir });
  await buildModels(config, window, log, ['leaderboard_scores_daily', 'leaderboard_explorer_daily']);
  return { response, scores: await read(dataDir, 'leaderboard_scores_daily'), explorer: await read(dataDir, 'leaderboard_explorer_daily') };
}

describe.each([
  ['livepeer-explorer/leaderboard-aggregated-stats.json', 100, 1400],
  ['go-livepeer/leaderboard-perf-stats.json', 2, 16],
])('real recorded response %s', (file, orchestrators, entries) => {
  let data: Awaited<ReturnType<typeof buildFromResponse>>;

  beforeAll(async () => {
    data = await buildFromResponse(file);
  }, 120_000);

  it('keeps every orchestrator x region entry, with nothing recomputable and nothing invented', () => {
    expect(data.scores.length).toBe(entries);
    expect(new Set(data.scores.map((r) => r.orchestrator_address)).size).toBe(orchestrators);
    // Why only the last step can be checked: success_rate is a mean of per-probe values, and
    // round_trip_score needs the mean RTT and mean segment duration (AI: also the median RTT of
    // every orchestrator's probes), none of which the response carries. Without probe rows the
    // recomputed columns stay NULL rather than 0.
    for (const r of data.scores) {
      expect(num(r.probe_count)).toBe(0);
      expect(r.leaderboard_score).toBeNull();
      expect(r.job_type).toBe('transcoding');
      const src = data.response[String(r.orchestrator_address)]![String(r.region)]!;
      expect([r.reported_success_rate, r.reported_round_trip_score, r.reported_score]).toEqual([src.success_rate, src.round_trip_score, src.score]);
    }
  });

  it('reproduces the transcoding score as success_rate x round_trip_score, bit for bit', () => {
    const off = data.scores.filter((r) => num(r.reported_success_rate)! * num(r.reported_round_trip_score)! !== num(r.reported_score));
    expect(off).toEqual([]);
    // A failed region scores 0 whatever its round-trip score (the leaderboard's success = 0 rule).
    for (const r of data.scores.filter((x) => num(x.reported_success_rate) === 0)) expect(num(r.reported_score)).toBe(0);
  });

  it('reproduces the explorer GLOBAL columns (mean over regions x 100) and the top regional score', () => {
    expect(data.explorer.length).toBe(orchestrators);
    for (const r of data.explorer) {
      const regions = data.response[String(r.orchestrator_address)]!;
      const values = Object.values(regions);
      // lib/utils.tsx avg(): reduce in key order, divide by the count, then x 100.
      const avg = (k: 'success_rate' | 'round_trip_score' | 'score') => (values.reduce((s, v) => s + v[k], 0) / values.length) * 100;
      expect(num(r.region_count)).toBe(values.length);
      expect(num(r.explorer_success_rate_pct)!).toBeCloseTo(avg('success_rate'), 10);
      expect(num(r.explorer_round_trip_score_pct)!).toBeCloseTo(avg('round_trip_score'), 10);
      expect(num(r.explorer_score_pct)!).toBeCloseTo(avg('score'), 10);
      const top = Math.max(...Object.entries(regions).filter(([k]) => !k.toLowerCase().startsWith('global')).map(([, v]) => v.score));
      expect(num(r.explorer_top_score_pct)).toBe(top * 100);
      // The explorer's reducer keeps the last region (sorted keys) with `>=`, and none for a top of 0.
      const topRegion = Object.keys(regions).sort().filter((k) => !k.toLowerCase().startsWith('global') && regions[k]!.score === top).pop();
      expect(r.top_score_region).toBe(top > 0 ? topRegion : null);
    }
  });
});
