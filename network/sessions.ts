// Live-video-to-video sessions as a gateway reports them: stream_trace edges, 10 s status samples,
// 5 s ingest metrics, discovery, payments and errors, plus the ground truth of each session in
// NaaP's terms (docs/sources.md §2.4-2.10, §12.1).
import type { Rng } from '../lib/rng.ts';
import { floorHour, ms } from '../lib/time.ts';
import type { Excusal, Payment, SessionTruth } from './activity.ts';
import { requestId, streamId } from './ids.ts';
import type { Gateway, Orchestrator, World } from './world.ts';

/** Messages NaaP treats as excusable (case-insensitive substrings, §12.1). */
export const EXCUSABLE_MESSAGES = ['whip disconnected', 'mediamtx ingest disconnected', 'ICE connection state failed', 'user disconnected', 'missing video'];
/** The runner states NaaP counts as running (its status rollup's running_state_samples, §12.1). */
const RUNNING_STATES = ['ONLINE', 'DEGRADED_INPUT', 'DEGRADED_INFERENCE'];
const UNEXCUSED_MESSAGES = ['pipeline failed to start: CUDA out of memory', 'runner returned 500: inference error', 'timeout waiting for first output'];
const PROMPTS = ['watercolor painting style', 'a cinematic cyberpunk street with neon reflections', 'anime portrait, soft light', 'oil painting of a harbour at dusk'];

export interface EventSink {
  emit(type: string, atMs: number, gateway: Gateway, data: unknown): void;
}

/** Where the ticket batches sent go, besides their create_new_payment event. */
export interface PaymentSink {
  push(p: Payment): void;
}

interface Ctx {
  rng: Rng;
  world: World;
  sink: EventSink;
  payments: PaymentSink;
}

const info = (o: Orchestrator | null) => ({ address: o ? o.hotWallet : '', url: o ? o.serviceUri : '' });

function trace(c: Ctx, g: Gateway, type: string, t: number, sid: string, rid: string, o: Orchestrator | null, extra: Record<string, unknown> = {}) {
  c.sink.emit('stream_trace', t, g, { type, timestamp: Math.round(t), stream_id: sid, request_id: rid, pipeline_id: '', orchestrator_info: info(o), ...extra });
}

/** go-livepeer prints face values in WEI below 0.01 ETH and in ETH above (§2.10). */
export function formatFaceValue(wei: bigint): string {
  if (wei < 10n ** 16n) return `${wei} WEI`;
  const whole = wei / 10n ** 18n;
  const frac = (wei % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} ETH`;
}

/**
 * What a create_new_payment event says about where a batch came from (§2.10). go-livepeer's genPayment
 * copies the session's manifest id and the request context: the start payment of an AI request
 * (server/ai_process.go prepareAIPayment) carries manifestID "<capability id>_<model>" (ai_session.go)
 * and the gateway request id; the live payment loop (server/live_payment.go) runs on a background
 * context with the orchestrator's live manifest id (8 hex characters), so its requestID is empty.
 */
export interface PaymentContext {
  manifestId: string;
  requestId: string;
  /** core.Capability name for batch AI; empty for live video (ai_process.go leaves it out). */
  capability: string;
  /** The orchestrator's auth-token session (OrchestratorInfo.AuthToken.SessionId, 8 hex). */
  sessionId: string;
  pipeline: string;
  model: string;
  attribution: Payment['attribution'];
}

/** go-livepeer refreshes a session's auth token in the last 10 % of its 30 min life (broadcast.go). */
const AUTH_TOKEN_REFRESH_MS = 27 * 60_000;

/**
 * One gateway-orchestrator live session as payments see it: a start payment named by workflow, then
 * the payment loop under the orchestrator's live manifest id, with a new auth-token session id each
 * time the token is refreshed.
 */
export class LivePayments {
  private sessionId: string;
  private issuedAt: number;
  private readonly liveManifestId: string;
  constructor(
    private readonly c: Ctx,
    private readonly g: Gateway,
    private readonly o: Orchestrator,
    private readonly model: string,
    rid: string,
    start: number,
  ) {
    this.sessionId = c.rng.hex(8);
    this.issuedAt = start;
    this.liveManifestId = c.rng.hex(8);
    const capability = c.world.workflows.find((w) => w.model === model)!.capability;
    pay(c, g, o, start, { manifestId: `${capability}_${model}`, requestId: rid, capability: '', sessionId: this.sessionId, pipeline: 'live-video-to-video', model, attribution: 'manifest' });
  }

  /** A payment-loop batch at `t`. */
  next(t: number): void {
    if (t - this.issuedAt > AUTH_TOKEN_REFRESH_MS) {
      this.sessionId = this.c.rng.hex(8);
      this.issuedAt = t;
    }
    pay(this.c, this.g, this.o, t, { manifestId: this.liveManifestId, requestId: '', capability: '', sessionId: this.sessionId, pipeline: 'live-video-to-video', model: this.model, attribution: 'session' });
  }
}

export function pay(c: Ctx, g: Gateway, o: Orchestrator, t: number, p: PaymentContext): void {
  const faceValueWei = BigInt(c.rng.int(2, 30)) * 10n ** 15n;
  const winProb = Math.round(c.rng.float(0.01, 0.05) * 1e10) / 1e10;
  const numTickets = c.rng.int(1, 3);
  let winning = 0;
  for (let i = 0; i < numTickets; i++) if (c.rng.chance(winProb)) winning++;
  c.sink.emit('create_new_payment', t, g, {
    clientIP: '',
    requestID: p.requestId,
    capability: p.capability,
    manifestID: p.manifestId,
    sessionID: p.sessionId,
    recipient: o.addressChecksum,
    sender: g.addressChecksum,
    orchestrator: o.serviceUri,
    faceValue: formatFaceValue(faceValueWei),
    winProb: winProb.toFixed(10),
    price: `${(o.workflows.find((w) => w.model === p.model)?.pricePerUnitWei ?? 1000).toFixed(3)} wei/pixel`,
    numTickets: String(numTickets),
  });
  c.payments.push({
    atMs: ms(Math.round(t)),
    gatewayIndex: g.index,
    sender: g.address,
    recipient: o.address,
    orchUri: o.serviceUri,
    manifestId: p.manifestId,
    pipeline: p.pipeline,
    model: p.model,
    attribution: p.attribution,
    faceValueWei,
    winProb,
    numTickets,
    winningTickets: winning,
  });
}

type Outcome = 'no_orch' | 'fail_excusable' | 'fail_unexcused' | 'loading_only' | 'zero_fps' | 'ok';

function outcomeFor(rng: Rng, o: Orchestrator | null): Outcome {
  if (!o) return 'no_orch';
  const b = o.behaviour;
  return rng.weighted<Outcome>([
    ['fail_excusable', b.startupFailP / 2],
    ['fail_unexcused', b.startupFailP / 2],
    ['loading_only', b.loadingOnlyP],
    ['zero_fps', b.zeroFpsP],
    ['ok', 1 - b.startupFailP - b.loadingOnlyP - b.zeroFpsP],
  ]);
}

function pickOrchestrator(rng: Rng, candidates: Orchestrator[], model: string, exclude?: Orchestrator): Orchestrator | null {
  const pool = candidates.filter((o) => o !== exclude);
  if (pool.length === 0) return null;
  return rng.weighted(pool.map((o) => [o, o.workflows.find((w) => w.model === model)!.capacity] as const));
}

/** Simulates one session requested at `t0` and returns its truth. */
export function simulateSession(c: Ctx, g: Gateway, model: string, t0: number, windowEnd: number): SessionTruth {
  const { rng, world } = c;
  const sid = streamId(rng, g.org);
  const rid = requestId(rng);
  const serving = world.orchestrators.filter((o) => o.active && o.workflows.some((w) => w.model === model));
  const skew = rng.int(-150, 150); // runner host clock minus gateway clock
  trace(c, g, 'gateway_receive_stream_request', t0, sid, rid, null);

  const noOrch = serving.length === 0 || rng.chance(0.03);
  const candidates = noOrch ? [] : [...serving].sort(() => rng.next() - 0.5).slice(0, Math.min(serving.length, rng.int(3, 5)));
  let current = noOrch ? null : pickOrchestrator(rng, candidates, model);
  const outcome = outcomeFor(rng, current);
  const errors: string[] = [];
  const truth: SessionTruth = {
    streamId: sid,
    requestId: rid,
    org: g.org,
    gatewayIndex: g.index,
    gatewayAddress: g.address,
    orchestrator: null,
    orchestrators: [],
    pipeline: 'live-video-to-video',
    model: '',
    startMs: ms(t0),
    endMs: ms(t0),
    hourMs: floorHour(t0),
    startupSuccess: false,
    excusal: null,
    loadingOnly: false,
    zeroFps: false,
    swapsConfirmed: 0,
    swapsInferred: 0,
    statusSamples: 0,
    fpsSum: 0,
    statusByHour: {},
    startupLatencyMs: null,
    e2eLatencyMs: null,
    promptToFirstFrameMs: null,
    errors,
  };

  if (!current) {
    const t = t0 + rng.int(200, 1500);
    trace(c, g, 'gateway_no_orchestrators_available', t, sid, rid, null);
    truth.excusal = 'no_orch';
    truth.endMs = ms(Math.min(windowEnd - 1, t + rng.int(500, 3000)));
    trace(c, g, 'gateway_ingest_stream_closed', truth.endMs, sid, rid, null);
    return truth;
  }

  const discoveryAt = t0 + rng.int(150, 400);
  c.sink.emit(
    'discovery_results',
    discoveryAt,
    g,
    candidates
      .map((o) => ({ address: o.hotWallet, url: o.serviceUri, latency: rng.int(20, 400) }))
      .sort((a, b) => a.latency - b.latency)
      .map((d) => ({ address: d.address, url: d.url, latency_ms: String(d.latency) })),
  );
  const b = current.behaviour;
  const selected = discoveryAt + rng.int(100, 500);
  truth.model = model;
  truth.orchestrators.push(current.address);
  const paymentsTo = new Map<Orchestrator, LivePayments>([[current, new LivePayments(c, g, current, model, rid, selected)]]);
  const firstIngest = selected + rng.int(80, 300);
  trace(c, g, 'gateway_send_first_ingest_segment', firstIngest, sid, rid, current);
  trace(c, g, 'runner_receive_stream_request', firstIngest + 20 + skew, sid, rid, current);
  const runnerStart = firstIngest + rng.int(50, 250) + skew;
  const whip = rng.chance(0.7);
  const prompt = rng.pick(PROMPTS);

  let end: number;
  let playableAt: number | null = null;
  const failing = outcome === 'fail_excusable' || outcome === 'fail_unexcused' || outcome === 'loading_only';
  if (failing) {
    end = Math.min(windowEnd - 1, firstIngest + (outcome === 'loading_only' ? rng.int(60_000, 180_000) : rng.int(8_000, 45_000)));
    if (outcome !== 'loading_only') {
      const msg = outcome === 'fail_excusable' ? rng.pick(EXCUSABLE_MESSAGES) : rng.pick(UNEXCUSED_MESSAGES);
      errors.push(msg);
      const at = firstIngest + rng.int(3_000, Math.max(3_001, end - firstIngest));
      if (outcome === 'fail_excusable' && msg.includes('disconnected') && !msg.startsWith('ICE')) {
        // Ingest disconnects are reported by the gateway: all-string payload, no time field (§2.6).
        c.sink.emit('ai_stream_events', at, g, { type: 'error', request_id: rid, stream_id: sid, pipeline_id: '', pipeline: model, capability: '', message: msg });
      } else {
        c.sink.emit('ai_stream_events', at, g, {
          type: 'error',
          pipeline: model,
          message: msg,
          time: (at + skew) / 1000,
          timestamp: Math.round(at + skew),
          stream_id: sid,
          request_id: rid,
          pipeline_id: '',
          orchestrator_info: info(current),
        });
      }
      if (outcome === 'fail_unexcused' && rng.chance(0.5)) swapToNone(c, g, sid, rid, model, current, msg, at, end, truth);
    }
  } else {
    const startupLatency = Math.max(300, rng.normal(b.startupLatencyMs, b.startupLatencyMs * 0.15));
    const firstProcessed = t0 + startupLatency;
    const runnerFirstOut = Math.min(firstProcessed - 60, firstIngest + Math.max(100, rng.normal(b.e2eLatencyMs, b.e2eLatencyMs * 0.2))) + skew;
    trace(c, g, 'runner_receive_first_ingest_segment', firstIngest + rng.int(20, 120) + skew, sid, rid, current);
    trace(c, g, 'runner_send_first_processed_segment', runnerFirstOut, sid, rid, current);
    trace(c, g, 'gateway_receive_first_processed_segment', firstProcessed, sid, rid, current);
    playableAt = firstProcessed + rng.int(300, 1200);
    trace(c, g, 'gateway_receive_few_processed_segments', playableAt, sid, rid, current);
    truth.startupSuccess = true;
    truth.startupLatencyMs = Math.round(firstProcessed) - t0;
    truth.e2eLatencyMs = Math.round(runnerFirstOut) - Math.round(firstIngest);
    truth.promptToFirstFrameMs = Math.round(playableAt) - Math.round(runnerStart);
    // Heavy-tailed durations: most sessions are short tries, a few run for an hour or more.
    const duration = Math.min(2 * 3_600_000, Math.exp(rng.normal(Math.log(150_000), 1.1)));
    end = Math.min(windowEnd - 1, playableAt + duration);
  }
  truth.endMs = ms(Math.round(end));

  // A swap moves the session to another candidate half way through; some moves go unannounced.
  let swapAt: number | null = null;
  let swapConfirmed = false;
  // Swaps happen only where a status sample will still name the new orchestrator afterwards, so
  // the truth stays observable.
  if (!failing && end - playableAt! > 40_000 && rng.chance(b.swapP * 1.33)) {
    const next = pickOrchestrator(rng, candidates, model, current);
    if (next) {
      swapAt = rng.float(playableAt! + 10_000, end - 25_000);
      swapConfirmed = rng.chance(0.75);
      if (swapConfirmed) {
        // orchestrator_swap carries no payload timestamp; only the envelope time dates it (§2.4).
        c.sink.emit('stream_trace', swapAt, g, { type: 'orchestrator_swap', stream_id: sid, request_id: rid, pipeline_id: '', pipeline: model, message: 'timeout waiting for events', orchestrator_info: info(current) });
        truth.swapsConfirmed = 1;
      } else {
        truth.swapsInferred = 1;
      }
      current = next;
      truth.orchestrators.push(next.address);
      paymentsTo.set(next, new LivePayments(c, g, next, model, rid, swapAt + rng.int(200, 800)));
    }
  }
  const servingAt = (t: number) => (swapAt !== null && t >= swapAt ? current! : candidates.find((o) => o.address === truth.orchestrators[0])!);

  // Status samples every 10 s from the runner's pipeline start (runner clock).
  let lastStatus = runnerStart;
  let first = true;
  const states: string[] = [];
  // The runner reports LOADING soon after its pipeline starts, then every 10 s.
  for (let t = runnerStart + rng.int(1_000, 3_000); t <= end + skew; t += 10_000) {
    const o = servingAt(t - skew);
    let state: string;
    let fps: number;
    if (outcome === 'loading_only' || (failing && t < end + skew)) {
      state = outcome === 'fail_unexcused' && t + 10_000 > end + skew ? 'ERROR' : 'LOADING';
      fps = 0;
    } else if (outcome === 'zero_fps') {
      state = playableAt !== null && t - skew > playableAt ? 'DEGRADED_INFERENCE' : 'LOADING';
      fps = 0;
    } else {
      state = playableAt !== null && t - skew > playableAt ? 'ONLINE' : 'LOADING';
      fps = state === 'ONLINE' ? Math.max(0.5, Math.round(rng.normal(o.behaviour.fpsMean, o.behaviour.fpsSd) * 10) / 10) : 0;
    }
    states.push(state);
    c.sink.emit('ai_stream_status', t - skew + rng.int(5, 60), g, {
      type: 'status',
      pipeline: model,
      state,
      start_time: Math.round(runnerStart),
      last_state_update_time: Math.round(runnerStart),
      last_status_timestamp: Math.round(lastStatus),
      timestamp: Math.round(t),
      input_status: { fps: Math.round(rng.normal(20, 0.5) * 10) / 10, last_input_time: Math.round(t - rng.int(10, 80)) },
      inference_status: {
        fps,
        last_output_time: fps > 0 ? Math.round(t - rng.int(10, 90)) : null,
        // Prompts appear once and are then null, as the runner sends them (§2.5); never published.
        last_params: first ? { prompt, width: 512, height: 512 } : null,
        last_params_hash: rng.hex(32),
        last_params_update_time: Math.round(runnerStart),
        last_error: state === 'ERROR' ? errors[0] ?? null : null,
        last_error_time: state === 'ERROR' ? Math.round(t) : null,
        last_restart_time: null,
        last_restart_logs: null,
        restart_count: 0,
      },
      stream_id: sid,
      request_id: rid,
      pipeline_id: '',
      orchestrator_info: info(o),
    });
    first = false;
    lastStatus = t;
    truth.statusSamples++;
    truth.fpsSum += fps;
    const hourKey = String(floorHour(t));
    const h = (truth.statusByHour[hourKey] ??= { samples: 0, fpsSum: 0, orchestrator: o.address });
    h.samples++;
    h.fpsSum += fps;
    h.orchestrator = o.address;
  }
  // NaaP counts a session loading-only when no sample is in a running state (session.go, §12.1).
  truth.loadingOnly = states.length > 0 && !states.some((s) => RUNNING_STATES.includes(s));
  truth.zeroFps = truth.statusSamples > 0 && truth.fpsSum === 0;
  // The model is only known from what the session reported: its status samples name it (§14.2).
  if (truth.statusSamples === 0) truth.model = '';

  // WHIP ingest stats every 5 s; track stats only once tracks are up (§2.7).
  if (whip) {
    let bytes = 0;
    let lost = 0;
    let received = 0;
    for (let t = firstIngest + 5_000, i = 0; t <= end; t += 5_000, i++) {
      bytes += rng.int(200_000, 400_000);
      received += rng.int(140, 160);
      if (rng.chance(0.1)) lost += rng.int(1, 5);
      const jitter = Math.round(Math.abs(rng.normal(8, 6)) * 10) / 10;
      const loss = Math.round((lost / Math.max(1, received + lost)) * 100 * 100) / 100;
      const stats: Record<string, unknown> = { peer_conn_stats: { ID: 'iceTransport', BytesReceived: bytes, BytesSent: rng.int(8_000, 20_000) } };
      if (i > 0) {
        const lastIn = (t - firstIngest) / 1000;
        const latency = playableAt !== null && t > playableAt ? Math.round(rng.float(0.2, 0.8) * 1000) / 1000 : 0;
        const track: Record<string, unknown> = {
          type: 'video',
          jitter,
          packets_lost: lost,
          packets_received: received,
          packet_loss_pct: loss,
          rtt: rng.chance(0.5) ? 0 : rng.int(10, 60) * 1_000_000,
          last_input_ts: Math.round(lastIn * 1000) / 1000,
          last_output_ts: latency > 0 ? Math.round((lastIn - latency) * 1000) / 1000 : 0,
          latency,
        };
        if (jitter > 50) track.warnings = ['jitter greater than 50 ms'];
        stats.track_stats = [track];
      }
      stats.conn_quality = jitter > 50 || loss > 2 ? 'bad' : 'good';
      c.sink.emit('stream_ingest_metrics', t, g, { timestamp: Math.round(t), stream_id: sid, request_id: rid, pipeline_id: '', stats });
    }
  }

  // Payments keep flowing about once a minute while output is served.
  if (playableAt !== null) {
    for (let t = playableAt + 60_000; t < end; t += 60_000) paymentsTo.get(servingAt(t))!.next(t);
    if (rng.chance(0.2)) {
      c.sink.emit('ai_stream_events', playableAt + rng.int(5_000, 30_000), g, { type: 'params_update', stream_id: sid, request_id: rid, pipeline: model, pipeline_id: '', params: { prompt: rng.pick(PROMPTS), seed: rng.int(1, 9999) }, orchestrator_info: info(servingAt(playableAt)) });
    }
  }
  // Real streams do not always report their close edge (at-most-once delivery, §2.12).
  if (rng.chance(0.9)) trace(c, g, 'gateway_ingest_stream_closed', end, sid, rid, null);

  truth.orchestrator = current!.address;
  truth.excusal = truth.startupSuccess ? null : errors.length > 0 && errors.every((e) => isExcusable(e)) ? 'excusable_error' : ('none' as Excusal);
  return truth;
}

/**
 * An orchestrator failure that ends with no orchestrator left (go-livepeer server/ai_mediaserver.go
 * processStream): the gateway reports the swap away from the failed one, processAIRequest finds none
 * and writes gateway_no_orchestrators_available, and kickInput sends its error to the stream
 * (§2.4, §2.6). The session did select an orchestrator, so NaaP does not excuse it as no_orch.
 * Only when it all fits before the session ends.
 */
function swapToNone(c: Ctx, g: Gateway, sid: string, rid: string, model: string, left: Orchestrator, reason: string, failedAt: number, end: number, truth: SessionTruth): void {
  const swapAt = failedAt + c.rng.int(100, 500);
  const noneAt = swapAt + c.rng.int(200, 1500);
  if (noneAt + 500 >= end) return;
  c.sink.emit('stream_trace', swapAt, g, { type: 'orchestrator_swap', stream_id: sid, request_id: rid, pipeline_id: '', pipeline: model, message: reason, orchestrator_info: info(left) });
  trace(c, g, 'gateway_no_orchestrators_available', noneAt, sid, rid, null);
  c.sink.emit('ai_stream_events', noneAt + c.rng.int(1, 50), g, { type: 'error', request_id: rid, stream_id: sid, pipeline_id: '', pipeline: model, capability: '', message: 'no orchestrators available' });
  truth.errors.push('no orchestrators available');
  truth.swapsConfirmed = 1;
}

export function isExcusable(message: string): boolean {
  const m = message.toLowerCase();
  return ['no orchestrators available', ...EXCUSABLE_MESSAGES].some((e) => m.includes(e.toLowerCase()));
}
