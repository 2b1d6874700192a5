// go-livepeer gateway metrics as Prometheus would have scraped them (docs/sources.md §5;
// livepeer/go-livepeer monitor/census.go): each series is a step function of time built from the
// simulated activity, read at 15 s scrapes. Names, labels and units are the real ones.
import type { Activity, Envelope, Payment, SessionTruth } from '../activity.ts';
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

/**
 * Prometheus only ever sees a series at its 15 s scrapes, so a change is kept at the first scrape
 * at or after it: the value at every scrape is unchanged, and memory grows with the window's
 * scrapes, not with its events.
 */
const scrapeOf = (t: number) => Math.ceil(t / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;

class SeriesSet {
  private readonly byKey = new Map<string, { labels: Labels; points: Map<number, number> }>();

  private entry(labels: Labels) {
    const k = keyOf(labels);
    return this.byKey.get(k) ?? this.byKey.set(k, { labels, points: new Map() }).get(k)!;
  }

  /** Counter increment (kept as deltas per scrape until `build`); a gauge's +1/-1 edges too. */
  add(labels: Labels, t: number, delta: number): void {
    const points = this.entry(labels).points;
    const at = scrapeOf(t);
    points.set(at, (points.get(at) ?? 0) + delta);
  }

  /** Gauge set: the last value set before a scrape is the one it sees (callers go in time order). */
  set(labels: Labels, t: number, value: number): void {
    this.entry(labels).points.set(scrapeOf(t), value);
  }

  /** `sum`: values are deltas to add up (counters, edge-counted gauges); `last`: values as set. */
  build(kind: 'sum' | 'last'): Series[] {
    return [...this.byKey.values()].map(({ labels, points }) => {
      const times = [...points.keys()].sort((a, b) => a - b);
      let total = 0;
      const values = times.map((t) => (total = kind === 'sum' ? total + points.get(t)! : points.get(t)!));
      return { labels, times, values };
    });
  }
}

interface StatusData {
  request_id?: string;
  orchestrator_info?: { address?: string };
  type?: string;
}

interface CapabilityEntry {
  orch_uri?: string;
  capabilities?: { constraints?: { PerCapability?: Record<string, { models?: Record<string, { capacity?: number; capacityInUse?: number }> }> } };
}

/** A live session is over after this long without a status sample (they last at most about 2 h). */
const SESSION_GONE_MS = 3 * 3_600_000;

/**
 * The gateway series, collected while the simulation streams: sessions as they are simulated,
 * payments and events in time order. `series()` returns them once everything has been given.
 */
export class SeriesBuilder {
  private readonly byHost: Map<string, Gateway>;
  private readonly orchByAddress: Map<string, Orchestrator>;
  private readonly attempts = new SeriesSet();
  private readonly delaySum = new SeriesSet();
  private readonly delayCount = new SeriesSet();
  private readonly live = new SeriesSet();
  private readonly swaps = new SeriesSet();
  private readonly tickets = new SeriesSet();
  private readonly inUse = new SeriesSet();
  private readonly idle = new SeriesSet();
  /** Per live request: the orchestrator its last status sample named, when, and whether a swap was announced. */
  private readonly streams = new Map<string, { addr: string | undefined; t: number; announced: boolean }>();
  private nextPrune = -Infinity;

  constructor(private readonly world: World) {
    this.byHost = new Map(world.gateways.map((g) => [g.host, g]));
    this.orchByAddress = new Map(world.orchestrators.map((o) => [o.address, o]));
  }

  session(s: SessionTruth): void {
    const g = this.world.gateways[s.gatewayIndex];
    if (!g) return;
    const node = nodeLabels(g);
    this.attempts.add(withLabels('livepeer_ai_live_attempt', node, { model_name: s.model }), s.startMs, 1);
    const first = s.orchestrators[0] ? this.orchByAddress.get(s.orchestrators[0]) : undefined;
    if (first && s.startupLatencyMs !== null) {
      // orchInfoTags: the service URI, the node (hot-wallet) address in EIP-55 form, the version.
      const orch = { orchestrator_address: first.hotWalletChecksum, orchestrator_uri: first.serviceUri, orchestrator_version: first.version };
      const at = s.startMs + s.startupLatencyMs;
      this.delaySum.add(withLabels('livepeer_ai_first_segment_delay_ms_sum', node, orch), at, s.startupLatencyMs);
      this.delayCount.add(withLabels('livepeer_ai_first_segment_delay_ms_count', node, orch), at, 1);
    }
    if (s.orchestrators.length > 0) {
      // The gauge counts the gateway's running live pipelines by their (model-like) pipeline name;
      // it stays at 0 once the last one ends.
      const labels = withLabels('livepeer_ai_current_live_pipelines', node, { pipeline: s.model });
      this.live.add(labels, s.startMs, 1);
      this.live.add(labels, s.endMs, -1);
    }
  }

  payment(p: Payment): void {
    const g = this.world.gateways[p.gatewayIndex];
    if (!g) return;
    // TicketValueSent records the expected value of the tickets sent, in gwei.
    this.tickets.add(withLabels('livepeer_ticket_value_sent', nodeLabels(g)), p.atMs, ((Number(p.faceValueWei) * p.winProb) / 1e9) * p.numTickets);
  }

  /** Swaps: announced `orchestrator_swap` traces, plus unannounced ones seen as a change of orchestrator in status samples; and capability polls. */
  event(e: Envelope): void {
    const t = Number(e.timestamp);
    if (e.type === 'network_capabilities') return this.poll(e, t);
    const d = e.data as StatusData;
    if (e.type === 'stream_trace' && d?.type === 'orchestrator_swap' && d.request_id) {
      this.swap(e.gateway, t);
      const st = this.streams.get(d.request_id);
      this.streams.set(d.request_id, { addr: st?.addr, t, announced: true });
    } else if (e.type === 'ai_stream_status' && d?.request_id) {
      const addr = d.orchestrator_info?.address ?? '';
      const st = this.streams.get(d.request_id);
      if (st?.addr !== undefined && st.addr !== addr && !st.announced) this.swap(e.gateway, t);
      this.streams.set(d.request_id, { addr, t, announced: st?.announced ?? false });
    }
    if (t >= this.nextPrune) {
      for (const [k, v] of this.streams) if (v.t < t - SESSION_GONE_MS) this.streams.delete(k);
      this.nextPrune = t + 3_600_000;
    }
  }

  private swap(gateway: string, t: number): void {
    const g = this.byHost.get(gateway);
    if (g) this.swaps.add(withLabels('livepeer_orchestrator_swaps', nodeLabels(g)), t, 1);
  }

  private poll(e: Envelope, t: number): void {
    const g = this.byHost.get(e.gateway);
    if (!g || !Array.isArray(e.data)) return;
    for (const entry of e.data as CapabilityEntry[]) {
      const uri = entry.orch_uri ?? '';
      // The gateway reports live-video-to-video models only (discovery/db_discovery.go
      // reportAICapacityFromNetworkCapabilities): Idle is the model's capacity, InUse its
      // capacityInUse, each 0 when omitted (monitor/census.go ReportAIContainerCapacity).
      for (const [model, m] of Object.entries(entry.capabilities?.constraints?.PerCapability?.['35']?.models ?? {})) {
        const tags = { model_name: model, orchestrator_uri: uri };
        this.inUse.set(withLabels('livepeer_ai_container_in_use', nodeLabels(g), tags), t, m.capacityInUse ?? 0);
        this.idle.set(withLabels('livepeer_ai_container_idle', nodeLabels(g), tags), t, m.capacity ?? 0);
      }
    }
  }

  series(): Series[] {
    return [
      ...this.attempts.build('sum'),
      ...this.delaySum.build('sum'),
      ...this.delayCount.build('sum'),
      ...this.live.build('sum'),
      ...this.swaps.build('sum'),
      ...this.tickets.build('sum'),
      ...this.inUse.build('last'),
      ...this.idle.build('last'),
    ];
  }
}

/** The series of a whole in-memory activity (events in time order). */
export function buildSeries(world: World, activity: Pick<Activity, 'sessions' | 'payments' | 'events'>): Series[] {
  const b = new SeriesBuilder(world);
  for (const s of activity.sessions) b.session(s);
  for (const p of [...activity.payments].sort((x, y) => x.atMs - y.atMs)) b.payment(p);
  for (const e of activity.events) b.event(e);
  return b.series();
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
