// Leaderboard scoring on hand-computed probes, and against the shape of two recorded real responses.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type PeerServer } from '../../network/http-server.ts';
import type { ProbeRow } from '../../network/leaderboard/probes.ts';
import { scoreRow } from '../../network/leaderboard/scoring.ts';
import { leaderboardHandler } from '../../network/leaderboard/server.ts';

const T0 = Date.parse('2026-11-16T00:00:00Z');
const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';

function ai(orchestrator: string, success: 0 | 1, rtt: number, minute: number, region = 'FRA'): ProbeRow {
  return {
    region, orchestrator, jobType: 'ai', eventTimeMs: T0 + minute * 60_000,
    stats: { region, orchestrator, success_rate: success, round_trip_time: rtt, errors: [], timestamp: (T0 + minute * 60_000) / 1000 - 5, model: 'm1', pipeline: 'Text to image' },
  };
}

function tx(orchestrator: string, success: number, rtt: number, minute: number, region = 'LON'): ProbeRow {
  const stats: Record<string, unknown> = { region, orchestrator, success_rate: success, round_trip_time: rtt, errors: [], timestamp: (T0 + minute * 60_000) / 1000 - 40, seg_duration: 2, segments_sent: 15 };
  return { region, orchestrator, jobType: 'transcoding', eventTimeMs: T0 + minute * 60_000, stats };
}

const ROWS: ProbeRow[] = [
  ai(A, 1, 2, 1), ai(A, 1, 4, 2), ai(A, 0, 30, 3),
  ai(B, 1, 3, 4), ai(B, 1, 5, 5),
  tx(A, 1, 1, 6), tx(A, 0.8, 2, 7), tx(A, 0, 0, 8),
  // Inserted after the window the queries below use.
  ai(B, 0, 1, 24 * 60 + 1),
];

let server: PeerServer;
beforeAll(async () => {
  server = await startHttpServer(leaderboardHandler(ROWS, { now: T0 + 24 * 3_600_000, windowHours: 24 }));
});
afterAll(() => server.stop());

const window = `since=${T0 / 1000}&until=${T0 / 1000 + 86_399}`;
const get = async (path: string) => {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, text: await r.text() };
};

describe('leaderboard scoring', () => {
  it('scores AI probes against the median RTT of successful probes across all orchestrators', async () => {
    // Successful RTTs 2, 4, 3, 5 -> median 3.5 s, where the round-trip score is 0.8.
    // A: success 2/3, mean RTT (2+4+30)/3 = 12 s (failures included); B: success 1, mean RTT 4 s.
    const body = JSON.parse((await get(`/api/aggregated_stats?pipeline=Text%20to%20image&model=m1&${window}`)).text);
    const rA = 0.8 ** (12 / 3.5);
    const rB = 0.8 ** (4 / 3.5);
    expect(Object.keys(body)).toEqual([A, B]);
    expect(body[A].FRA.success_rate).toBeCloseTo(2 / 3, 15);
    expect(body[A].FRA.round_trip_score).toBeCloseTo(rA, 12);
    expect(body[A].FRA.score).toBeCloseTo(0.65 * (2 / 3) + 0.35 * rA, 12);
    expect(body[B].FRA.score).toBeCloseTo(0.65 + 0.35 * rB, 12);
    // Filtering to one orchestrator keeps the network-wide median.
    const onlyA = JSON.parse((await get(`/api/aggregated_stats?pipeline=Text%20to%20image&model=m1&orchestrator=${A.toUpperCase()}&${window}`)).text);
    expect(onlyA).toEqual({ [A]: body[A] });
  });

  it('scores transcoding probes from mean segment duration over mean RTT', async () => {
    // Runs (1, 1 s), (0.8, 2 s), (0, 0 s): success 0.6, mean RTT 1 s, mean segment 2 s.
    const body = JSON.parse((await get(`/api/aggregated_stats?${window}`)).text);
    expect(Object.keys(body)).toEqual([A]);
    expect(body[A].LON.success_rate).toBeCloseTo(0.6, 15);
    expect(body[A].LON.round_trip_score).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(body[A].LON.score).toBeCloseTo(0.6 * (1 - Math.exp(-2)), 15);
  });

  it('gives 0 when success is 0 and a 0 round-trip score for a 0 RTT', () => {
    expect(scoreRow({ orchestrator: A, region: 'X', jobType: 'transcoding', model: '', pipeline: '', successRate: 0, segDuration: 2, roundTripTime: 0 }, 0)).toEqual({ success_rate: 0, round_trip_score: 0, score: 0 });
    expect(scoreRow({ orchestrator: A, region: 'X', jobType: 'ai', model: 'm', pipeline: 'p', successRate: 0, segDuration: 0, roundTripTime: 3 }, 3).score).toBe(0);
  });

  it('filters on insert time, inclusive at both ends, and answers {} when empty', async () => {
    const edge = T0 / 1000 + 60;
    const body = JSON.parse((await get(`/api/aggregated_stats?pipeline=Text%20to%20image&model=m1&since=${edge}&until=${edge}`)).text);
    expect(Object.keys(body)).toEqual([A]);
    expect((await get(`/api/aggregated_stats?since=1&until=2`)).text).toBe('{}');
  });

  it('picks the best AI row for top_ai_score and rescores it against every orchestrator', async () => {
    const r = JSON.parse((await get(`/api/top_ai_score?orchestrator=${B}`)).text);
    // The default window is the 24 h before the server's now, which excludes B's late failure.
    expect(r).toEqual({ region: 'FRA', orchestrator: B, value: expect.closeTo(0.65 + 0.35 * 0.8 ** (4 / 3.5), 12), model: 'm1', pipeline: 'Text to image' });
    expect((await get(`/api/top_ai_score?orchestrator=${B.toUpperCase()}`)).text).toBe('{}');
  });
});

describe('leaderboard responses match the recorded real ones', () => {
  type Response = Record<string, Record<string, Record<string, number>>>;
  const real = async (p: string) => JSON.parse(await readFile(new URL(`../../../shared/real/${p}`, import.meta.url), 'utf8')) as Response;

  it('has the real keys and 0-1 values, and the real transcoding score is success x round-trip score', async () => {
    const ours = JSON.parse((await get(`/api/aggregated_stats?${window}`)).text) as Response;
    for (const file of ['go-livepeer/leaderboard-perf-stats.json', 'livepeer-explorer/leaderboard-aggregated-stats.json']) {
      const rec = await real(file);
      for (const resp of [rec, ours]) {
        const problems: string[] = [];
        for (const [orch, regions] of Object.entries(resp)) {
          if (!/^0x[0-9a-f]{40}$/.test(orch)) problems.push(`orchestrator key ${orch}`);
          for (const [region, s] of Object.entries(regions)) {
            if (!/^[A-Z0-9]+$/.test(region)) problems.push(`region key ${region}`);
            if (Object.keys(s).join() !== 'success_rate,round_trip_score,score') problems.push(`keys ${Object.keys(s).join()}`);
            if (!Object.values(s).every((v) => v >= 0 && v <= 1)) problems.push(`${orch}/${region} outside 0-1`);
            if (Math.abs(s.score! - s.success_rate! * s.round_trip_score!) > 1e-12) problems.push(`${orch}/${region} score is not success x round-trip score`);
          }
        }
        expect(problems).toEqual([]);
        expect(Object.keys(resp).length).toBeGreaterThan(0);
      }
    }
  });
});
