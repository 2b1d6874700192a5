// Runs the embedded network over its window: live sessions, AI batch requests, capability polls and
// the non-gateway families and noise that share the real topics. Pure function of the world.
import { Rng } from '../lib/rng.ts';
import { DAY_MS, HOUR_MS, ms } from '../lib/time.ts';
import type { Activity, BatchRequestTruth, Envelope, Payment, SessionTruth } from './activity.ts';
import { appEvents } from './app-events.ts';
import { capabilityEntry } from './capabilities.ts';
import { requestId } from './ids.ts';
import { pay, simulateSession, type EventSink } from './sessions.ts';
import type { Gateway, World } from './world.ts';

/** Live sessions per day at scale 1, across all gateways. */
const LIVE_SESSIONS_PER_DAY = 1400;
const BATCH_REQUESTS_PER_DAY = 600;
const CAPABILITY_POLL_MS = 25 * 60_000;

/** Demand follows the day: a trough around 06:00 UTC and a peak around 18:00 UTC. */
const diurnal = (t: number) => 1 + 0.6 * Math.sin(((t % DAY_MS) / DAY_MS) * 2 * Math.PI - Math.PI / 2 - Math.PI / 4);

/** Poisson arrivals over [from, to) with a rate that follows `diurnal`, by thinning. */
function arrivals(rng: Rng, from: number, to: number, perDay: number): number[] {
  const peak = (perDay / DAY_MS) * 1.6;
  const out: number[] = [];
  for (let t = from + rng.exp(1 / peak); t < to; t += rng.exp(1 / peak)) {
    if (rng.next() < diurnal(t) / 1.6) out.push(Math.floor(t));
  }
  return out;
}

export function simulate(world: World): Activity {
  const root = new Rng(`${world.options.seed}/activity`);
  const tagged: { e: Envelope; org: Gateway['org'] }[] = [];
  const payments: Payment[] = [];
  const idRng = root.fork('envelope-ids');
  const sink: EventSink = {
    emit(type, atMs, g, data) {
      tagged.push({ e: { id: idRng.uuid(), type, timestamp: String(Math.round(atMs)), gateway: g.host, data }, org: g.org });
    },
  };
  const { from, to } = world.window;
  const totalWeight = world.gateways.reduce((s, g) => s + g.weight, 0);
  const scale = world.options.scale;
  const liveModels = world.workflows.filter((w) => w.live).map((w) => w.model);
  const batchFlows = world.workflows.filter((w) => !w.live);

  const sessions: SessionTruth[] = [];
  const batch: BatchRequestTruth[] = [];
  for (const g of world.gateways) {
    const share = g.weight / totalWeight;
    const grng = root.fork(`gateway/${g.index}`);
    const starts = arrivals(grng.fork('live'), from, to, LIVE_SESSIONS_PER_DAY * scale * share);
    starts.forEach((t0, k) => {
      const rng = grng.fork(`session/${k}`);
      const model = rng.weighted(liveModels.map((m, i) => [m, i === 0 ? 0.6 : 0.4 / (liveModels.length - 1)] as const));
      const s = simulateSession({ rng, world, sink, payments }, g, model, t0, to);
      sessions.push(s);
      appEvents(rng.fork('app'), sink, g, s);
    });
    const batchStarts = arrivals(grng.fork('batch'), from, to, BATCH_REQUESTS_PER_DAY * scale * share);
    batchStarts.forEach((t, k) => {
      const rng = grng.fork(`batch/${k}`);
      const flow = rng.pick(batchFlows);
      const serving = world.orchestrators.filter((o) => o.workflows.some((w) => w.model === flow.model));
      if (serving.length === 0) return;
      const o = rng.pick(serving);
      const fail = rng.chance(o.behaviour.batchFailP);
      const rid = requestId(rng);
      batch.push({
        requestId: rid,
        gatewayIndex: g.index,
        orchestrator: o.address,
        orchUrl: o.serviceUri,
        pipeline: flow.pipeline,
        model: flow.model,
        atMs: ms(t),
        success: !fail,
        durationMs: Math.round(Math.max(150, rng.normal(o.behaviour.batchLatencyMs, o.behaviour.batchLatencyMs * 0.25))),
        tries: fail ? rng.int(1, 3) : 1,
        errorType: fail ? rng.pick(['timeout', 'orchestrator_busy', 'runner_error']) : '',
      });
      // A batch request's single payment is its start payment: named by workflow, with the request id
      // and the capability's name (server/ai_process.go).
      pay({ rng, world, sink, payments }, g, o, t + 50, {
        manifestId: `${flow.capability}_${flow.model}`,
        requestId: rid,
        capability: flow.displayName,
        sessionId: rng.hex(8),
        pipeline: flow.pipeline,
        model: flow.model,
        attribution: 'manifest',
      });
    });
    noise(g, from, to, sink, grng.fork('noise'));
  }
  // Polls count slots in use across every gateway's sessions, so they run once all sessions exist.
  for (const g of world.gateways) {
    pollCapabilities(world, g, sessions, sink, root.fork(`gateway/${g.index}`).fork('capabilities'));
    emptyPoll(world, g, sink, root.fork(`gateway/${g.index}`).fork('empty-poll'));
  }

  tagged.sort((a, b) => Number(a.e.timestamp) - Number(b.e.timestamp) || (a.e.id < b.e.id ? -1 : 1));
  const events = tagged.map((t) => t.e);
  const eventOrgs = tagged.map((t) => t.org);
  sessions.sort((a, b) => a.startMs - b.startMs || (a.requestId < b.requestId ? -1 : 1));
  batch.sort((a, b) => a.atMs - b.atMs || (a.requestId < b.requestId ? -1 : 1));
  payments.sort((a, b) => a.atMs - b.atMs || a.manifestId.localeCompare(b.manifestId));
  return { events, eventOrgs, sessions, batch, payments };
}

function pollCapabilities(world: World, g: Gateway, sessions: SessionTruth[], sink: EventSink, rng: Rng): void {
  const { from, to } = world.window;
  for (let t = from + rng.int(0, CAPABILITY_POLL_MS); t < to; t += CAPABILITY_POLL_MS + rng.int(-30_000, 30_000)) {
    // Slots in use at poll time, across every gateway's sessions that are still running.
    const inUse = new Map<string, number>();
    for (const s of sessions) {
      if (s.orchestrator && s.startMs <= t && t < s.endMs && s.model) {
        const k = `${s.orchestrator}|${s.model}`;
        inUse.set(k, (inUse.get(k) ?? 0) + 1);
      }
    }
    sink.emit('network_capabilities', t, g, [...world.orchestrators, ...world.transcodingOrchestrators].filter((o) => o.active).map((o) => capabilityEntry(o, inUse)));
  }
}

/** Now and then a gateway's poll reaches nobody (restart, no discovery yet); go-livepeer then marshals
 * its nil slice of answers as `"data": null` (§2.9). */
function emptyPoll(world: World, g: Gateway, sink: EventSink, rng: Rng): void {
  if (rng.chance(0.5)) sink.emit('network_capabilities', world.window.from + rng.int(0, CAPABILITY_POLL_MS), g, null);
}

/** Traces that share the topics but are not gateway events: Scope clients and the Daydream app (§2.4). */
function noise(g: Gateway, from: number, to: number, sink: EventSink, rng: Rng): void {
  if (g.org !== 'daydream') return;
  for (let t = from + rng.exp(HOUR_MS / 4); t < to; t += rng.exp(HOUR_MS / 4)) {
    if (rng.chance(0.5)) {
      // Scope's publisher writes its payload time as a digit string (daydreamlive/scope kafka_publisher.py).
      sink.emit('stream_trace', t, g, { type: rng.pick(['stream_heartbeat', 'pipeline_loaded', 'session_created']), client_source: 'scope', timestamp: String(Math.round(t)), stream_id: `scope-${rng.hex(6)}` });
    } else {
      sink.emit('stream_trace', t, g, { type: rng.pick(['app_page_view', 'app_stream_started']), timestamp: Math.round(t), stream_id: '', request_id: '' });
    }
  }
}
