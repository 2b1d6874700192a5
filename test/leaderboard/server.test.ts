// The leaderboard peer over real HTTP: parameter rules, error bodies and response shapes of
// leaderboard-serverless, over probes simulated from the world.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/rng.ts';
import { simulateProbes, storedStats } from '../../network/leaderboard/probes.ts';
import { startLeaderboard } from '../../network/leaderboard/server.ts';
import { createWorld, PROBE_REGIONS } from '../../network/world.ts';

const world = createWorld({ start: '2026-11-16', days: 1 });
let peer: Awaited<ReturnType<typeof startLeaderboard>>;
beforeAll(async () => {
  peer = await startLeaderboard(world);
});
afterAll(() => peer.stop());

const get = async (path: string) => {
  const r = await fetch(`${peer.url}${path}`);
  return { status: r.status, type: r.headers.get('content-type'), cors: r.headers.get('access-control-allow-origin'), text: await r.text() };
};
const day = `since=${world.window.from / 1000}&until=${world.window.to / 1000}`;

describe('leaderboard peer', () => {
  it('probes every orchestrator x AI region x workflow and every transcoding region hourly, deterministically', () => {
    const again = simulateProbes(world, new Rng(`${world.options.seed}/leaderboard`));
    expect(JSON.stringify(again)).toBe(JSON.stringify(peer.probes));
    const aiRows = peer.probes.filter((p) => p.jobType === 'ai');
    const perHour = world.orchestrators.reduce((s, o) => s + o.workflows.length, 0) * PROBE_REGIONS.length;
    expect(aiRows.length).toBeGreaterThan(perHour * 23);
    expect(aiRows.length).toBeLessThanOrEqual(perHour * 24);
    for (const r of aiRows.slice(0, 200)) {
      expect(r.stats.success_rate === 0 || r.stats.success_rate === 1).toBe(true);
      expect('model_is_warm' in r.stats ? r.stats.model_is_warm : true).toBe(true);
      expect(r.eventTimeMs / 1000).toBeGreaterThan(r.stats.timestamp as number);
    }
    const labels = new Set(aiRows.map((r) => r.stats.pipeline));
    expect(labels).toEqual(new Set(world.workflows.filter((w) => world.orchestrators.some((o) => o.workflows.some((x) => x.model === w.model))).map((w) => w.displayName)));
    const txRow = peer.probes.find((p) => p.jobType === 'transcoding' && p.stats.success_rate !== 0)!;
    expect(txRow.stats.seg_duration).toBe(2);
    expect(txRow.stats.success_rate).toBeCloseTo((txRow.stats.segments_received as number) / (3 * (txRow.stats.segments_sent as number)), 15);
  });

  it('returns what the server re-encodes from a post: zero omitempty fields dropped, absent errors null', () => {
    // The AI tester posts every field of its own struct; models.Stats drops false and "" (§8.4, §9.2).
    const ai = storedStats({ region: 'FRA', pipeline: 'Llm', model: 'm', model_is_warm: false, input_parameters: '{}', response_payload: '', orchestrator: '0xab', success_rate: 1, round_trip_time: 2.5, errors: [{ error_code: '503', message: '', count: 1 }], timestamp: 1 });
    expect(ai).toEqual({ region: 'FRA', orchestrator: '0xab', success_rate: 1, round_trip_time: 2.5, errors: [{ error_code: '503', count: 1 }], timestamp: 1, model: 'm', pipeline: 'Llm', input_parameters: '{}' });
    // A hand-made post without errors, with a key models.Stats does not have and zero counters.
    const manual = storedStats({ region: 'ATL', orchestrator: '0xab', success_rate: 0, round_trip_time: 0, timestamp: 2, segments_sent: 15, segments_received: 0, extra: 'x' });
    expect(manual).toEqual({ region: 'ATL', orchestrator: '0xab', success_rate: 0, round_trip_time: 0, errors: null, timestamp: 2, segments_sent: 15 });
    expect(JSON.stringify(manual)).toBe('{"region":"ATL","orchestrator":"0xab","success_rate":0,"round_trip_time":0,"errors":null,"timestamp":2,"segments_sent":15}');
  });

  it('serves cold AI probes without model_is_warm and empty transcoding runs without segments_received', () => {
    const ai = peer.probes.filter((p) => p.jobType === 'ai');
    expect(ai.some((p) => !('model_is_warm' in p.stats))).toBe(true);
    expect(ai.some((p) => p.stats.model_is_warm === true)).toBe(true);
    expect(ai.every((p) => p.stats.model_is_warm !== false)).toBe(true);
    const empty = peer.probes.filter((p) => p.jobType === 'transcoding' && p.stats.success_rate === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const p of empty) {
      expect(p.stats).not.toHaveProperty('segments_received');
      expect(p.stats).not.toHaveProperty('upload_time');
      expect(p.stats.segments_sent).toBe(15);
    }
  });

  it('requires pipeline and model together, with the real messages and body', async () => {
    expect(await get('/api/aggregated_stats?pipeline=Llm')).toMatchObject({ status: 400, type: 'text/plain; charset=utf-8', text: '{"error":"model required"}\n' });
    expect(await get('/api/aggregated_stats?model=m')).toMatchObject({ status: 400, text: '{"error":"pipeline required"}\n' });
    // Go formats the message into the JSON with Sprintf: quotes are not escaped.
    expect((await get('/api/aggregated_stats?since=abc')).text).toBe('{"error":"strconv.ParseFloat: parsing "abc": invalid syntax"}\n');
    expect(await get('/api/raw_stats')).toMatchObject({ status: 400, text: '{"error":"orchestrator is a required parameter"}\n' });
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('answers transcoding only when no pipeline, model or job type is given', async () => {
    const body = JSON.parse((await get(`/api/aggregated_stats?${day}`)).text);
    const regions = new Set(Object.values(body).flatMap((r) => Object.keys(r as object)));
    expect(regions.has('ATL')).toBe(true);
    const ai = JSON.parse((await get(`/api/aggregated_stats?${day}&job_type=ai`)).text);
    expect(new Set(Object.values(ai).flatMap((r) => Object.keys(r as object)))).toEqual(new Set(PROBE_REGIONS));
  });

  it('returns raw stats newest first, grouped by region, in the posted field order', async () => {
    const o = world.orchestrators[1]!;
    const r = await get(`/api/raw_stats?orchestrator=${o.addressChecksum}&job_type=ai&${day}`);
    expect(r.cors).toBe('*');
    const body = JSON.parse(r.text) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(body)).toEqual([...PROBE_REGIONS].sort());
    for (const [region, list] of Object.entries(body)) {
      const times = list.map((s) => s.timestamp as number);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const s of list) expect(s.region).toBe(region);
    }
    const first = body.FRA![0]!;
    expect(Object.keys(first).slice(0, 6)).toEqual(['region', 'orchestrator', 'success_rate', 'round_trip_time', 'errors', 'timestamp']);
    const expected = peer.probes.filter((p) => p.orchestrator === o.address && p.jobType === 'ai').length;
    expect(Object.values(body).flat()).toHaveLength(expected);
  });

  it('lists pipelines with sorted models and regions, and the seeded regions', async () => {
    const p = JSON.parse((await get(`/api/pipelines?${day}`)).text);
    const ids = p.pipelines.map((x: { id: string }) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(p.pipelines[0].regions).toEqual([...PROBE_REGIONS].sort());
    expect(JSON.parse((await get('/api/pipelines?since=1&until=2')).text)).toEqual({ pipelines: [] });
    const regions = JSON.parse((await get('/api/regions')).text).regions;
    expect(regions[0]).toEqual({ id: 'GLOBAL', name: 'Global', type: 'transcoding' });
    expect(regions.filter((r: { type: string }) => r.type === 'ai').map((r: { id: string }) => r.id)).toEqual(['GLOBAL', 'MDW', 'FRA', 'LAX']);
  });
});
