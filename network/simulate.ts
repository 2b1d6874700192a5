// Runs the embedded network over its window: live sessions, AI batch requests, capability polls and
// the non-gateway families and noise that share the real topics. Pure function of the world.
//
// It streams, one UTC day at a time, so any window at any volume runs in bounded memory: each day's
// arrivals are drawn, then every session, batch request and poll is simulated in start order and
// its events handed straight to the consumer (the archive writer, the peers' collectors), which
// learns from `advance` when no earlier event can come any more. A session belongs to the day it
// starts on; its events may run into the next day. Nothing here keeps the events.
import { Rng } from '../lib/rng.ts';
import { DAY_MS, HOUR_MS, isoDay, ms } from '../lib/time.ts';
import type { Activity, BatchRequestTruth, Envelope, Payment, SessionTruth } from './activity.ts';
import { appEvents } from './app-events.ts';
import { capabilityEntry } from './capabilities.ts';
import { Holdback } from './holdback.ts';
import { requestId } from './ids.ts';
import { pay, simulateSession, type EventSink } from './sessions.ts';
import type { Gateway, World } from './world.ts';

/** Live sessions per day at scale 1 and demand 1, across all gateways. */
export const LIVE_SESSIONS_PER_DAY = 1400;
export const BATCH_REQUESTS_PER_DAY = 600;
export const CAPABILITY_POLL_MS = 25 * 60_000;
/** Mean gap between two noise traces of a Daydream gateway. */
export const NOISE_GAP_MS = HOUR_MS / 4;
/**
 * How long before its own start a job may emit: the app creates a stream through its API up to
 * 600 ms before the gateway receives it (app-events.ts). Once the next job starts at t, nothing
 * before t - LEAD_MS can still come.
 */
const LEAD_MS = 1_000;

export type Org = Gateway['org'];

/** What the simulation hands out as it goes. */
export interface ActivityConsumer {
  /**
   * Every gateway event, with the org whose topic carries it, as it is made: one session's events
   * together, each session's in time order within every family, sessions in start order.
   */
  event(e: Envelope, org: Org): void;
  /** No event made from now on is earlier than `t`. */
  advance?(t: number): void;
  /** Session truths, in start order. */
  session?(s: SessionTruth): void;
  batch?(b: BatchRequestTruth): void;
  /** Ticket batches in time order (then manifest id). */
  payment?(p: Payment): void;
}

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

/** One unit of simulation, run at its start time. Kinds at the same instant run sessions first. */
interface Job {
  t: number;
  kind: 0 | 1 | 2;
  g: Gateway;
  k: number;
}
const SESSION = 0;
const BATCH = 1;
const POLL = 2;

/** Streams the whole window into `out`. */
export function runSimulation(world: World, out: ActivityConsumer): void {
  for (const _ of simulation(world, out));
}

/**
 * The simulation as steps: it pauses after each simulated minute's `advance`, so an asynchronous
 * consumer (the archive writer compressing on the thread pool) can catch up before it goes on.
 */
export function* simulation(world: World, out: ActivityConsumer): Generator<void> {
  const root = new Rng(`${world.options.seed}/activity`);
  const idRng = root.fork('envelope-ids');
  // The ticket ledger numbers tickets in time order, so payments are put back in it.
  const heldPayments = new Holdback<Payment>((a, b) => (a.manifestId < b.manifestId ? -1 : a.manifestId > b.manifestId ? 1 : 0));
  const sink: EventSink = {
    emit(type, atMs, g, data) {
      out.event({ id: idRng.uuid(), type, timestamp: String(Math.round(atMs)), gateway: g.host, data }, g.org);
    },
  };
  const payments = { push: (p: Payment) => heldPayments.push(p.atMs, p) };
  const release = (watermark: number) => {
    for (const p of heldPayments.release(watermark)) out.payment?.(p);
    out.advance?.(watermark);
  };

  const { from, to } = world.window;
  const totalWeight = world.gateways.reduce((s, g) => s + g.weight, 0);
  const perDay = world.options.scale * world.demand;
  const liveModels = world.workflows.filter((w) => w.live).map((w) => w.model);
  const batchFlows = world.workflows.filter((w) => !w.live);
  // Polls keep their cadence across midnight, so their cursors outlive the day.
  const polls = world.gateways.map((g) => {
    const rng = root.fork(`gateway/${g.index}`).fork('capabilities');
    return { rng, next: from + rng.int(0, CAPABILITY_POLL_MS) };
  });
  // Sessions that hold a slot, for the polls: only those not yet ended at the latest poll.
  let running: { key: string; startMs: number; endMs: number }[] = [];
  let lastMinute = -Infinity;

  for (let day: number = from; day < to; day += DAY_MS) {
    const dayEnd = Math.min(day + DAY_MS, to);
    const drng = root.fork(`day/${isoDay(ms(day))}`);
    const jobs: Job[] = [];
    for (const g of world.gateways) {
      const share = g.weight / totalWeight;
      const grng = drng.fork(`gateway/${g.index}`);
      arrivals(grng.fork('live'), day, dayEnd, LIVE_SESSIONS_PER_DAY * perDay * share).forEach((t, k) => jobs.push({ t, kind: SESSION, g, k }));
      arrivals(grng.fork('batch'), day, dayEnd, BATCH_REQUESTS_PER_DAY * perDay * share).forEach((t, k) => jobs.push({ t, kind: BATCH, g, k }));
      const poll = polls[g.index]!;
      for (; poll.next < dayEnd; poll.next += CAPABILITY_POLL_MS + poll.rng.int(-30_000, 30_000)) jobs.push({ t: poll.next, kind: POLL, g, k: 0 });
      noise(g, day, dayEnd, sink, grng.fork('noise'));
      if (day === from) emptyPoll(world, g, sink, root.fork(`gateway/${g.index}`).fork('empty-poll'));
    }
    jobs.sort((a, b) => a.t - b.t || a.kind - b.kind || a.g.index - b.g.index || a.k - b.k);

    for (const job of jobs) {
      // Once a minute is enough: the holdback works in whole minutes, the archive in hours.
      const minute = Math.floor((job.t - LEAD_MS) / 60_000);
      if (minute > lastMinute) {
        release(job.t - LEAD_MS);
        lastMinute = minute;
        yield;
      }
      const { g, t, k } = job;
      const grng = drng.fork(`gateway/${g.index}`);
      if (job.kind === SESSION) {
        const rng = grng.fork(`session/${k}`);
        const model = rng.weighted(liveModels.map((m, i) => [m, i === 0 ? 0.6 : 0.4 / (liveModels.length - 1)] as const));
        const s = simulateSession({ rng, world, sink, payments }, g, model, t, to);
        appEvents(rng.fork('app'), sink, g, s);
        if (s.orchestrator && s.model) running.push({ key: `${s.orchestrator}|${s.model}`, startMs: s.startMs, endMs: s.endMs });
        out.session?.(s);
      } else if (job.kind === BATCH) {
        const b = batchRequest({ rng: grng.fork(`batch/${k}`), world, sink, payments }, g, t, batchFlows);
        if (b) out.batch?.(b);
      } else {
        running = running.filter((s) => s.endMs > t);
        pollCapabilities(world, g, t, running, sink);
      }
    }
  }
  release(Infinity);
}

/** The whole window in memory: for small worlds (tests, examples), never for a benchmark's volume. */
export function simulate(world: World): Activity {
  const tagged: { e: Envelope; org: Org }[] = [];
  const a: Activity = { events: [], eventOrgs: [], sessions: [], batch: [], payments: [] };
  runSimulation(world, {
    event: (e, org) => tagged.push({ e, org }),
    session: (s) => a.sessions.push(s),
    batch: (b) => a.batch.push(b),
    payment: (p) => a.payments.push(p),
  });
  tagged.sort((x, y) => Number(x.e.timestamp) - Number(y.e.timestamp) || (x.e.id < y.e.id ? -1 : 1));
  a.events = tagged.map((t) => t.e);
  a.eventOrgs = tagged.map((t) => t.org);
  sortTruth(a);
  return a;
}

/** The order truth files and peers list sessions and batch requests in. */
export function sortTruth(a: Pick<Activity, 'sessions' | 'batch'>): void {
  a.sessions.sort((x, y) => x.startMs - y.startMs || (x.requestId < y.requestId ? -1 : 1));
  a.batch.sort((x, y) => x.atMs - y.atMs || (x.requestId < y.requestId ? -1 : 1));
}

function batchRequest(c: Parameters<typeof pay>[0], g: Gateway, t: number, batchFlows: World['workflows']): BatchRequestTruth | null {
  const { rng, world } = c;
  const flow = rng.pick(batchFlows);
  const serving = world.orchestrators.filter((o) => o.workflows.some((w) => w.model === flow.model));
  if (serving.length === 0) return null;
  const o = rng.pick(serving);
  const fail = rng.chance(o.behaviour.batchFailP);
  const rid = requestId(rng);
  const b: BatchRequestTruth = {
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
  };
  // A batch request's single payment is its start payment: named by workflow, with the request id
  // and the capability's name (server/ai_process.go).
  pay(c, g, o, t + 50, {
    manifestId: `${flow.capability}_${flow.model}`,
    requestId: rid,
    capability: flow.displayName,
    sessionId: rng.hex(8),
    pipeline: flow.pipeline,
    model: flow.model,
    attribution: 'manifest',
  });
  return b;
}

/** A gateway's capability poll at `t`: slots in use across every gateway's sessions still running. */
function pollCapabilities(world: World, g: Gateway, t: number, running: { key: string; startMs: number; endMs: number }[], sink: EventSink): void {
  const inUse = new Map<string, number>();
  for (const s of running) {
    if (s.startMs <= t && t < s.endMs) inUse.set(s.key, (inUse.get(s.key) ?? 0) + 1);
  }
  sink.emit('network_capabilities', t, g, [...world.orchestrators, ...world.transcodingOrchestrators].filter((o) => o.active).map((o) => capabilityEntry(o, inUse)));
}

/** Now and then a gateway's poll reaches nobody (restart, no discovery yet); go-livepeer then marshals
 * its nil slice of answers as `"data": null` (§2.9). */
function emptyPoll(world: World, g: Gateway, sink: EventSink, rng: Rng): void {
  if (rng.chance(0.5)) sink.emit('network_capabilities', world.window.from + rng.int(0, CAPABILITY_POLL_MS), g, null);
}

/** Traces that share the topics but are not gateway events: Scope clients and the Daydream app (§2.4). */
function noise(g: Gateway, from: number, to: number, sink: EventSink, rng: Rng): void {
  if (g.org !== 'daydream') return;
  for (let t = from + rng.exp(NOISE_GAP_MS); t < to; t += rng.exp(NOISE_GAP_MS)) {
    if (rng.chance(0.5)) {
      // Scope's publisher writes its payload time as a digit string (daydreamlive/scope kafka_publisher.py).
      sink.emit('stream_trace', t, g, { type: rng.pick(['stream_heartbeat', 'pipeline_loaded', 'session_created']), client_source: 'scope', timestamp: String(Math.round(t)), stream_id: `scope-${rng.hex(6)}` });
    } else {
      sink.emit('stream_trace', t, g, { type: rng.pick(['app_page_view', 'app_stream_started']), timestamp: Math.round(t), stream_id: '', request_id: '' });
    }
  }
}
