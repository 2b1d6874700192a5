// go-livepeer gateway metrics as Prometheus would have scraped them (docs/sources.md §5;
// livepeer/go-livepeer monitor/census.go): each series is a step function of time built from the
// simulated activity, read at 15 s scrapes. Names, labels and units are the real ones.
import type { Activity, Envelope } from '../activity.ts';
import type { Gateway, Orchestrator, World } from '../world.ts';

export type Labels = Record<string, string>;

/** A series whose value changes at `times[i]` to `values[i]`; it exists from `times[0]` on. */
export interface Series {
  labels: Labels;
  times: number[];
  values: number[];
}

export const SCRAPE_INTERVAL_MS = 15_000;

/** What the scrape config and `-nodeID` put on every series of one gateway. */
function nodeLabels(g: Gateway): Labels {
  const nodeId = g.host || `gateway-${g.index}`;
  return { instance: `${nodeId}:5935`, job: 'livepeer-gateway', node_id: nodeId, node_type: 'bctr' };
}

/** Empty label values are absent in Prometheus. */
function withLabels(name: string, ...parts: Labels[]): Labels {
  const all: Labels = { __name__: name };
  for (const p of parts) for (const [k, v] of Object.entries(p)) if (v !== '') all[k] = v;
  return all;
}

const keyOf = (l: Labels) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

class SeriesSet {
  private readonly byKey = new Map<string, { labels: Labels; points: [number, number][] }>();

  private entry(labels: Labels) {
    const k = keyOf(labels);
    return this.byKey.get(k) ?? this.byKey.set(k, { labels, points: [] }).get(k)!;
  }

  /** Counter increment (kept as deltas until `build`). */
  add(labels: Labels, t: number, delta: number): void {
    this.entry(labels).points.push([t, delta]);
  }

  /** Gauge set: a point carries the new value. */
  set(labels: Labels, t: number, value: number): void {
    this.entry(labels).points.push([t, value]);
  }

  build(kind: 'counter' | 'gauge'): Series[] {
    return [...this.byKey.values()].map(({ labels, points }) => {
      points.sort((a, b) => a[0] - b[0]);
      const times: number[] = [];
      const values: number[] = [];
      let total = 0;
      for (const [t, v] of points) {
        total = kind === 'counter' ? total + v : v;
        if (times.length > 0 && times[times.length - 1] === t) values[values.length - 1] = total;
        else {
          times.push(t);
          values.push(total);
        }
      }
      return { labels, times, values };
    });
  }
}

/** Active-count gauge from [start, end) intervals; the series stays at 0 once its last interval ends. */
function intervalsGauge(set: SeriesSet, labels: Labels, intervals: [number, number][]): void {
  const edges: [number, number][] = [];
  for (const [s, e] of intervals) edges.push([s, 1], [e, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0;
  for (const [t, d] of edges) {
    n += d;
    set.set(labels, t, n);
  }
}

interface StatusData {
  request_id?: string;
  orchestrator_info?: { address?: string };
  type?: string;
}

/** Swap times per gateway: announced `orchestrator_swap` traces, plus unannounced ones seen as a change of orchestrator in status samples. */
function swapTimes(events: Envelope[]): { gateway: string; t: number }[] {
  const out: { gateway: string; t: number }[] = [];
  const current = new Map<string, string>();
  const announced = new Set<string>();
  for (const e of events) {
    const d = e.data as StatusData;
    if (e.type === 'stream_trace' && d?.type === 'orchestrator_swap' && d.request_id) {
      out.push({ gateway: e.gateway, t: Number(e.timestamp) });
      announced.add(d.request_id);
    } else if (e.type === 'ai_stream_status' && d?.request_id) {
      const addr = d.orchestrator_info?.address ?? '';
      const prev = current.get(d.request_id);
      if (prev !== undefined && prev !== addr && !announced.has(d.request_id)) out.push({ gateway: e.gateway, t: Number(e.timestamp) });
      current.set(d.request_id, addr);
    }
  }
  return out;
}

interface CapabilityEntry {
  orch_uri?: string;
  capabilities?: { constraints?: { PerCapability?: Record<string, { models?: Record<string, { capacity?: number; capacityInUse?: number }> }> } };
}

export function buildSeries(world: World, activity: Activity): Series[] {
  const byHost = new Map(world.gateways.map((g) => [g.host, g]));
  const orchByAddress = new Map<string, Orchestrator>(world.orchestrators.map((o) => [o.address, o]));
  const attempts = new SeriesSet();
  const delaySum = new SeriesSet();
  const delayCount = new SeriesSet();
  const live = new SeriesSet();
  const swaps = new SeriesSet();
  const tickets = new SeriesSet();
  const inUse = new SeriesSet();
  const idle = new SeriesSet();

  const liveIntervals = new Map<string, { labels: Labels; intervals: [number, number][] }>();
  for (const s of activity.sessions) {
    const g = world.gateways[s.gatewayIndex];
    if (!g) continue;
    const node = nodeLabels(g);
    attempts.add(withLabels('livepeer_ai_live_attempt', node, { model_name: s.model }), s.startMs, 1);
    const first = s.orchestrators[0] ? orchByAddress.get(s.orchestrators[0]) : undefined;
    if (first && s.startupLatencyMs !== null) {
      // orchInfoTags: the service URI, the node (hot-wallet) address in EIP-55 form, the version.
      const orch = { orchestrator_address: first.hotWalletChecksum, orchestrator_uri: first.serviceUri, orchestrator_version: first.version };
      const at = s.startMs + s.startupLatencyMs;
      delaySum.add(withLabels('livepeer_ai_first_segment_delay_ms_sum', node, orch), at, s.startupLatencyMs);
      delayCount.add(withLabels('livepeer_ai_first_segment_delay_ms_count', node, orch), at, 1);
    }
    if (s.orchestrators.length > 0) {
      // The gauge counts the gateway's running live pipelines by their (model-like) pipeline name.
      const labels = withLabels('livepeer_ai_current_live_pipelines', node, { pipeline: s.model });
      const k = keyOf(labels);
      const e = liveIntervals.get(k) ?? liveIntervals.set(k, { labels, intervals: [] }).get(k)!;
      e.intervals.push([s.startMs, s.endMs]);
    }
  }
  for (const { labels, intervals } of liveIntervals.values()) intervalsGauge(live, labels, intervals);

  for (const p of activity.payments) {
    const g = world.gateways[p.gatewayIndex];
    if (!g) continue;
    // TicketValueSent records the expected value of the tickets sent, in gwei.
    tickets.add(withLabels('livepeer_ticket_value_sent', nodeLabels(g)), p.atMs, ((Number(p.faceValueWei) * p.winProb) / 1e9) * p.numTickets);
  }

  for (const { gateway, t } of swapTimes(activity.events)) {
    const g = byHost.get(gateway);
    if (g) swaps.add(withLabels('livepeer_orchestrator_swaps', nodeLabels(g)), t, 1);
  }

  for (const e of activity.events) {
    if (e.type !== 'network_capabilities' || !Array.isArray(e.data)) continue;
    const g = byHost.get(e.gateway);
    if (!g) continue;
    const t = Number(e.timestamp);
    for (const entry of e.data as CapabilityEntry[]) {
      const uri = entry.orch_uri ?? '';
      // The gateway reports live-video-to-video models only (discovery/db_discovery.go
      // reportAICapacityFromNetworkCapabilities): Idle is the model's capacity, InUse its
      // capacityInUse, each 0 when omitted (monitor/census.go ReportAIContainerCapacity).
      for (const [model, m] of Object.entries(entry.capabilities?.constraints?.PerCapability?.['35']?.models ?? {})) {
        const tags = { model_name: model, orchestrator_uri: uri };
        inUse.set(withLabels('livepeer_ai_container_in_use', nodeLabels(g), tags), t, m.capacityInUse ?? 0);
        idle.set(withLabels('livepeer_ai_container_idle', nodeLabels(g), tags), t, m.capacity ?? 0);
      }
    }
  }

  return [
    ...attempts.build('counter'),
    ...delaySum.build('counter'),
    ...delayCount.build('counter'),
    ...live.build('gauge'),
    ...swaps.build('counter'),
    ...tickets.build('counter'),
    ...inUse.build('gauge'),
    ...idle.build('gauge'),
  ];
}

/** Value at the last change at or before `t`, or undefined before the series exists. */
export function valueAt(s: Series, t: number): number | undefined {
  let lo = 0;
  let hi = s.times.length - 1;
  if (hi < 0 || s.times[0]! > t) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return s.values[lo];
}
