// The Prometheus peer over real HTTP: series values built from known activity, lookback, label
// matchers, parameter parsing and Prometheus' error bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, ms } from '../../lib/time.ts';
import type { Envelope, Payment } from '../../network/activity.ts';
import { buildSeries, valueAt } from '../../network/prometheus/series.ts';
import { compareLabels, formatValue, parseDuration, startPrometheus } from '../../network/prometheus/server.ts';
import { createWorld } from '../../network/world.ts';
import { activityOf, session } from '../naap/truth.ts';

const world = createWorld({ start: '2026-11-16', days: 1 });
const T0 = world.window.from;
const at = (h: number, m: number, s = 0) => T0 + h * HOUR_MS + m * 60_000 + s * 1000;
const g1 = world.gateways[1]!;
const o = world.orchestrators[0]!;
const model = o.workflows.find((w) => w.live)!.model;

const s1 = session(world, { startMs: at(10, 0, 7), endMs: at(10, 30), model, startupLatencyMs: 2000 });
const s2 = session(world, { startMs: at(10, 5, 1), endMs: at(10, 10), model, startupLatencyMs: 3000 });
const payment: Payment = { atMs: ms(at(10, 1)), gatewayIndex: 1, sender: g1.address, recipient: o.address, orchUri: o.serviceUri, manifestId: `35_${model}`, pipeline: 'live-video-to-video', model, attribution: 'manifest', faceValueWei: 10n ** 16n, winProb: 0.01, numTickets: 2, winningTickets: 0 };
const swap: Envelope = { id: 'e1', type: 'stream_trace', timestamp: String(at(10, 20)), gateway: g1.host, data: { type: 'orchestrator_swap', stream_id: s1.streamId, request_id: s1.requestId, pipeline: model, message: 'x', orchestrator_info: { address: o.hotWallet, url: o.serviceUri } } };

let peer: Awaited<ReturnType<typeof startPrometheus>>;
beforeAll(async () => {
  const activity = { ...activityOf([s1, s2]), events: [swap], payments: [payment] };
  peer = await startPrometheus(world, activity);
});
afterAll(() => peer.stop());

async function range(query: string, start: number, end: number, step = '60') {
  const q = new URLSearchParams({ query, start: String(start / 1000), end: String(end / 1000), step });
  const res = await fetch(`${peer.url}/api/v1/query_range?${q}`);
  return { status: res.status, body: (await res.json()) as { status: string; error?: string; errorType?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } } };
}

const valuesOf = async (query: string, start: number, end: number) => {
  const { body } = await range(query, start, end);
  expect(body.data.result).toHaveLength(1);
  return Object.fromEntries(body.data.result[0]!.values.map(([t, v]) => [t * 1000 - T0, v]));
};

describe('Prometheus peer', () => {
  it('counts attempts from the first 15 s scrape after each session starts', async () => {
    const v = await valuesOf(`livepeer_ai_live_attempt{node_id="${g1.host}"}`, at(10, 0), at(10, 6));
    expect(v).toEqual({ [at(10, 1) - T0]: '1', [at(10, 2) - T0]: '1', [at(10, 3) - T0]: '1', [at(10, 4) - T0]: '1', [at(10, 5) - T0]: '1', [at(10, 6) - T0]: '2' });
  });

  it('tracks live pipelines as a gauge that stays at 0 after the last stream ends', async () => {
    const v = await valuesOf(`livepeer_ai_current_live_pipelines{pipeline="${model}"}`, at(10, 6), at(10, 31));
    expect(v[at(10, 6) - T0]).toBe('2');
    expect(v[at(10, 11) - T0]).toBe('1');
    expect(v[at(10, 31) - T0]).toBe('0');
  });

  it('sums first-segment delays in ms with the orchestrator labels go-livepeer sets', async () => {
    const { body } = await range('{__name__=~"livepeer_ai_first_segment_delay_ms_(sum|count)"}', at(10, 6), at(10, 6));
    expect(body.data.result.map((r) => [r.metric.__name__, r.values[0]![1]])).toEqual([
      ['livepeer_ai_first_segment_delay_ms_count', '2'],
      ['livepeer_ai_first_segment_delay_ms_sum', '5000'],
    ]);
    expect(body.data.result[0]!.metric).toEqual({
      __name__: 'livepeer_ai_first_segment_delay_ms_count', instance: `${g1.host}:5935`, job: 'livepeer-gateway', node_id: g1.host, node_type: 'bctr',
      orchestrator_address: o.hotWalletChecksum, orchestrator_uri: o.serviceUri, orchestrator_version: o.version,
    });
  });

  it('records ticket value sent in gwei and counts swaps', async () => {
    expect(await valuesOf('livepeer_ticket_value_sent', at(10, 2), at(10, 2))).toEqual({ [at(10, 2) - T0]: '200000' });
    expect(await valuesOf('livepeer_orchestrator_swaps', at(10, 21), at(10, 21))).toEqual({ [at(10, 21) - T0]: '1' });
  });

  it('applies = != =~ !~ matchers and sorts series by labels', async () => {
    const all = (await range('livepeer_ai_live_attempt', at(12, 0), at(12, 0))).body.data.result;
    const none = (await range(`livepeer_ai_live_attempt{node_id!="${g1.host}"}`, at(12, 0), at(12, 0))).body.data.result;
    const re = (await range(`livepeer_ai_live_attempt{node_id=~"gw-.*",model_name!~"x|y"}`, at(12, 0), at(12, 0))).body.data.result;
    expect(all).toHaveLength(1);
    expect(none).toHaveLength(0);
    expect(re).toHaveLength(1);
    expect(compareLabels({ __name__: 'a', b: '1' }, { __name__: 'a', b: '2' })).toBeLessThan(0);
    expect(compareLabels({ __name__: 'a' }, { __name__: 'a', b: '1' })).toBeLessThan(0);
  });

  it('looks back 5 minutes past the last scrape, then returns nothing', async () => {
    const end = world.window.to;
    const v = await valuesOf('livepeer_ai_live_attempt', end - 60_000, end + 6 * 60_000);
    expect(Object.keys(v).map(Number)).toEqual([end - 60_000 - T0, end - T0, end + 60_000 - T0, end + 2 * 60_000 - T0, end + 3 * 60_000 - T0, end + 4 * 60_000 - T0]);
  });

  it('accepts RFC 3339 or Unix times, duration steps, and POSTed forms', async () => {
    const q = new URLSearchParams({ query: 'livepeer_ai_live_attempt', start: '2026-11-16T10:06:00Z', end: String(at(10, 8) / 1000), step: '1m' });
    const get = await (await fetch(`${peer.url}/api/v1/query_range?${q}`)).text();
    const post = await (await fetch(`${peer.url}/api/v1/query_range`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: q.toString() })).text();
    expect(post).toBe(get);
    expect(JSON.parse(get).data.result[0].values).toEqual([[at(10, 6) / 1000, '2'], [at(10, 7) / 1000, '2'], [at(10, 8) / 1000, '2']]);
    expect(parseDuration('1h30m', 'step')).toBe(5_400_000);
    expect(parseDuration('0.5', 'step')).toBe(500);
  });

  it('answers bad parameters with Prometheus error bodies', async () => {
    const cases: [string, string][] = [
      ['query=up&end=10&step=1', 'invalid parameter "start": cannot parse "" to a valid timestamp'],
      ['query=up&start=abc&end=10&step=1', 'invalid parameter "start": cannot parse "abc" to a valid timestamp'],
      ['query=up&start=10&end=0&step=1', 'invalid parameter "end": end timestamp must not be before start time'],
      ['query=up&start=0&end=10&step=0', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
      ['query=up&start=0&end=10&step=abc', 'invalid parameter "step": cannot parse "abc" to a valid duration'],
      ['query=up&start=0&end=11001&step=1', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
      ['query=&start=0&end=10&step=1', 'invalid parameter "query": 1:1: parse error: no expression found in input'],
      ['query=up%7B&start=0&end=10&step=1', 'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces'],
      ['query=%7Bjob%3D~%22.*%22%7D&start=0&end=10&step=1', 'invalid parameter "query": 1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ];
    for (const [qs, error] of cases) {
      const res = await fetch(`${peer.url}/api/v1/query_range?${qs}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ status: 'error', errorType: 'bad_data', error });
    }
    const ok = await fetch(`${peer.url}/api/v1/query_range?query=up&start=0&end=11000&step=1`);
    expect(await ok.json()).toEqual({ status: 'success', data: { resultType: 'matrix', result: [] } });
  });

  it('formats values as Go does, without exponents', () => {
    expect(formatValue(1e21)).toBe('1000000000000000000000');
    expect(formatValue(1.5e-7)).toBe('0.00000015');
    expect(formatValue(123.456)).toBe('123.456');
    expect(formatValue(-2.5e22)).toBe('-25000000000000000000000');
    expect([formatValue(NaN), formatValue(Infinity), formatValue(-Infinity)]).toEqual(['NaN', '+Inf', '-Inf']);
  });
});

describe('AI container gauges', () => {
  it('report the idle capacity and capacityInUse of live-video-to-video models only, 0 when omitted', () => {
    // A fully busy live model sends capacityInUse alone; the gateway's ReportAIContainerCapacity
    // (discovery/db_discovery.go) takes Idle = capacity, InUse = capacityInUse, for capability 35.
    const t = at(11, 0);
    const poll: Envelope = {
      id: 'caps',
      type: 'network_capabilities',
      timestamp: String(t),
      gateway: g1.host,
      data: [
        { orch_uri: 'https://busy.example:8935', capabilities: { constraints: { PerCapability: { '35': { models: { sd: { warm: true, capacityInUse: 2 } } }, '33': { models: { llama: { capacity: 67542 } } } } } } },
        { orch_uri: 'https://idle.example:8935', capabilities: { constraints: { PerCapability: { '35': { models: { sd: { capacity: 3 } } } } } } },
      ],
    };
    const series = buildSeries(world, { ...activityOf([]), events: [poll], payments: [] });
    const gauge = (name: string, uri: string, m: string) => {
      const s = series.find((x) => x.labels.__name__ === name && x.labels.orchestrator_uri === uri && x.labels.model_name === m);
      return s ? valueAt(s, t) : undefined;
    };
    expect([gauge('livepeer_ai_container_idle', 'https://busy.example:8935', 'sd'), gauge('livepeer_ai_container_in_use', 'https://busy.example:8935', 'sd')]).toEqual([0, 2]);
    expect([gauge('livepeer_ai_container_idle', 'https://idle.example:8935', 'sd'), gauge('livepeer_ai_container_in_use', 'https://idle.example:8935', 'sd')]).toEqual([3, 0]);
    expect(gauge('livepeer_ai_container_idle', 'https://busy.example:8935', 'llama')).toBeUndefined();
  });
});
