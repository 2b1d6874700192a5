// NaaP's serving tables computed from the simulator's ground truth, with NaaP's semantics
// (docs/sources.md §3, §12.1; Cloud-SPE/livepeer-naap-analytics api/internal/resolver/repo.go).
// Every value is a pure function of (world, activity, now); `now` stands in for the server clock.
import { DAY_MS, HOUR_MS } from '../../lib/time.ts';
import type { SessionTruth, Truth } from '../activity.ts';
import { capabilityEntry } from '../capabilities.ts';
import { goTime } from '../http-server.ts';
import type { Orchestrator, World } from '../world.ts';
import { scoreSla, type SlaInput } from './sla-score.ts';

export const LIVE_PIPELINE = 'live-video-to-video';

/** GET /v1/streaming/sla row (api/internal/types/streaming.go StreamingSLARow). */
export interface SlaRow {
  window_start: string;
  org: string;
  orchestrator_address: string;
  pipeline_id: string;
  model_id: string;
  gpu_id: string;
  requested_sessions: number;
  startup_success_sessions: number;
  effective_success_rate: number;
  no_swap_rate: number;
  avg_output_fps: number;
  sla_score: number;
}

export interface DemandRow {
  window_start: string;
  org: string;
  gateway: string;
  pipeline_id: string;
  model_id: string;
  requested_sessions: number;
  startup_success_sessions: number;
  effective_success_rate: number;
  total_minutes: number;
  no_orch_sessions: number;
}

export interface GpuMetricRow {
  window_start: string;
  org: string;
  orchestrator_address: string;
  pipeline_id: string;
  model_id: string;
  gpu_id: string;
  gpu_model_name: string;
  known_sessions_count: number;
  startup_success_sessions: number;
  avg_output_fps: number;
  avg_e2e_latency_ms: number;
  swap_rate: number;
}

export interface AiBatchJobRow {
  request_id: string;
  org: string;
  gateway: string;
  pipeline: string;
  model_id: string;
  completed_at: string;
  success: boolean;
  tries: number;
  duration_ms: number;
  orch_url: string;
  selection_outcome: string;
  gpu_model_name: string;
  attribution_status: string;
}

export interface StreamingModelRow {
  pipeline: string;
  model: string;
  warm_orch_count: number;
  gpu_slots: number;
  active_streams: number;
  available_capacity: number;
  avg_fps: number;
}

export interface StreamingOrchestratorRow {
  address: string;
  uri: string;
  models: string[];
  gpu_count: number;
  last_seen: string;
}

/** A row of a cursor-paged route with its keyset: time (ms) plus stable string keys. */
export interface Keyed<T> {
  t: number;
  keys: string[];
  row: T;
}

export interface NaapTables {
  now: number;
  sla: Keyed<SlaRow>[];
  demand: Keyed<DemandRow>[];
  gpuMetrics: Keyed<GpuMetricRow>[];
  aiBatchJobs: Keyed<AiBatchJobRow>[];
  models: StreamingModelRow[];
  orchestrators: StreamingOrchestratorRow[];
}

interface Hardware {
  gpuId: string;
  gpuName: string;
}

/** GPU backing (orchestrator, model) as the capability snapshot reports it; empty when hardware-less. */
function hardwareIndex(world: World): Map<string, Hardware> {
  const out = new Map<string, Hardware>();
  for (const o of world.orchestrators) {
    const hw = capabilityEntry(o, new Map()).hardware as { model_id: string; gpu_info?: Record<string, { id: string; name: string }> }[] | null;
    for (const w of o.workflows) {
      const g = hw?.find((h) => h.model_id === w.model)?.gpu_info?.['0'];
      out.set(`${o.address}|${w.model}`, g ? { gpuId: g.id, gpuName: g.name } : { gpuId: '', gpuName: '' });
    }
  }
  return out;
}

function sessionFlags(s: SessionTruth) {
  const failedNone = !s.startupSuccess && (s.excusal === 'none' || s.excusal === null);
  return {
    success: s.startupSuccess,
    excused: !s.startupSuccess && (s.excusal === 'no_orch' || s.excusal === 'excusable_error'),
    failedNone,
    loadingOnly: s.loadingOnly,
    zeroFps: s.zeroFps,
    outputFailed: s.loadingOnly || s.zeroFps,
    effectiveFailed: failedNone || s.loadingOnly || s.zeroFps,
    swapped: s.swapsConfirmed + s.swapsInferred > 0,
    noOrch: s.excusal === 'no_orch',
    // Health signals as session.go counts them: a status sample; the playable edge; a status sample
    // from a session that is not both loading-only and zero-fps (§12.1).
    healthObserved: (s.statusSamples > 0 ? 1 : 0) + (s.startupSuccess ? 1 : 0) + (s.statusSamples > 0 && !(s.loadingOnly && s.zeroFps) ? 1 : 0),
  };
}

/**
 * RULE-LIFECYCLE-009: an hour is a terminal tail when the session began before it, ended inside it,
 * and this and the previous hour have no positive-FPS sample, no running-state sample and fewer
 * than 3 samples. The truth keeps samples per hour but not states, so "no running state and no
 * positive FPS" is read as "never reached playable", the only way the simulator produces it.
 */
function isTerminalTail(s: SessionTruth, hour: number): boolean {
  if (!(s.startMs < hour && s.endMs < hour + HOUR_MS) || s.startupSuccess) return false;
  const here = s.statusByHour[String(hour)]?.samples ?? 0;
  const before = s.statusByHour[String(hour - HOUR_MS)]?.samples ?? 0;
  return here < 3 && before < 3;
}

function slaInputs(world: World, sessions: SessionTruth[], hardware: Map<string, Hardware>): SlaInput[] {
  const known = new Set(world.orchestrators.map((o) => o.address));
  const groups = new Map<string, SlaInput>();
  for (const s of sessions) {
    const f = sessionFlags(s);
    for (const [hourKey, h] of Object.entries(s.statusByHour)) {
      const hour = Number(hourKey);
      if (isTerminalTail(s, hour)) continue;
      const orch = known.has(h.orchestrator) ? h.orchestrator : '';
      const hw = hardware.get(`${orch}|${s.model}`) ?? { gpuId: '', gpuName: '' };
      const key = [hour, s.org, orch, LIVE_PIPELINE, s.model, hw.gpuId].join('|');
      const g = (groups.get(key) ?? groups.set(key, emptyInput(hour, s.org, orch, s.model, hw)).get(key))!;
      g.requested += 1;
      g.success += f.success ? 1 : 0;
      g.excused += f.excused ? 1 : 0;
      g.failedNone += f.failedNone ? 1 : 0;
      g.outputFailed += f.outputFailed ? 1 : 0;
      g.effectiveFailed += f.effectiveFailed ? 1 : 0;
      g.swapped += f.swapped ? 1 : 0;
      g.healthObserved += f.healthObserved;
      g.healthExpected += 3;
      g.statusSamples += h.samples;
      g.fpsSum += h.fpsSum;
      // The resolver counts one PTFF and one E2E sample per session-hour with a positive value.
      if (s.promptToFirstFrameMs !== null && s.promptToFirstFrameMs > 0) {
        g.ptffSum += s.promptToFirstFrameMs;
        g.ptffCount += 1;
      }
      if (s.e2eLatencyMs !== null && s.e2eLatencyMs > 0) {
        g.e2eSum += s.e2eLatencyMs;
        g.e2eCount += 1;
      }
    }
  }
  return [...groups.values()];
}

function emptyInput(t: number, org: string, orch: string, model: string, hw: Hardware): SlaInput {
  return {
    t, org, orchestrator: orch, pipeline: LIVE_PIPELINE, model, gpuId: hw.gpuId, gpuName: hw.gpuName,
    requested: 0, success: 0, excused: 0, failedNone: 0, outputFailed: 0, effectiveFailed: 0, swapped: 0,
    healthObserved: 0, healthExpected: 0, statusSamples: 0, fpsSum: 0, ptffSum: 0, ptffCount: 0, e2eSum: 0, e2eCount: 0,
  };
}

const rate = (num: number, den: number) => (den > 0 ? num / den : 0);

function demandRows(world: World, sessions: SessionTruth[]): Keyed<DemandRow>[] {
  const groups = new Map<string, { t: number; org: string; gateway: string; model: string; req: number; ok: number; eff: number; minutes: number; noOrch: number }>();
  for (const s of sessions) {
    const f = sessionFlags(s);
    const gateway = world.gateways[s.gatewayIndex]?.host ?? '';
    const key = [s.hourMs, s.org, gateway, s.model].join('|');
    const g = (groups.get(key) ?? groups.set(key, { t: s.hourMs, org: s.org, gateway, model: s.model, req: 0, ok: 0, eff: 0, minutes: 0, noOrch: 0 }).get(key))!;
    g.req += 1;
    g.ok += f.success ? 1 : 0;
    g.eff += f.effectiveFailed ? 1 : 0;
    g.minutes += Math.max(0, s.endMs - s.startMs) / 60_000;
    g.noOrch += f.noOrch ? 1 : 0;
  }
  return [...groups.values()].map((g) => ({
    t: g.t,
    keys: [g.gateway, LIVE_PIPELINE, g.model, g.org],
    row: {
      window_start: goTime(g.t),
      org: g.org,
      gateway: g.gateway,
      pipeline_id: LIVE_PIPELINE,
      model_id: g.model,
      requested_sessions: g.req,
      startup_success_sessions: g.ok,
      effective_success_rate: g.req > 0 ? 1 - g.eff / g.req : 0,
      total_minutes: g.minutes,
      no_orch_sessions: g.noOrch,
    },
  }));
}

function aiBatchRows(world: World, activity: Truth, hardware: Map<string, Hardware>): Keyed<AiBatchJobRow>[] {
  return activity.batch.map((b) => {
    const gw = world.gateways[b.gatewayIndex];
    const hw = hardware.get(`${b.orchestrator}|${b.model}`);
    const completed = b.atMs + b.durationMs;
    return {
      t: completed,
      keys: [b.requestId],
      row: {
        request_id: b.requestId,
        org: gw?.org ?? '',
        gateway: gw?.host ?? '',
        pipeline: b.pipeline,
        model_id: b.model,
        completed_at: goTime(completed),
        success: b.success,
        tries: b.tries,
        duration_ms: b.durationMs,
        orch_url: b.orchUrl,
        selection_outcome: 'selected',
        gpu_model_name: hw?.gpuName ?? '',
        attribution_status: hw && hw.gpuId ? 'resolved' : 'hardware_less',
      },
    };
  });
}

/** Capability polls run every 25 min per gateway; the last one before `now` is what `last_seen` shows. */
function lastSeen(o: Orchestrator, now: number): number {
  const period = 25 * 60_000;
  const phase = (o.index * 97_000) % period;
  return Math.floor((now - 1 - phase) / period) * period + phase;
}

function liveInventory(world: World) {
  return world.orchestrators
    .filter((o) => o.active)
    .map((o) => {
      return { o, live: o.workflows.filter((w) => w.live) };
    });
}

function streamingOrchestrators(world: World, hardware: Map<string, Hardware>, now: number): StreamingOrchestratorRow[] {
  // gpu_count counts distinct GPU UUIDs in the orchestrator's hardware entries (any pipeline).
  const gpuCount = (o: Orchestrator) => new Set(o.workflows.map((w) => hardware.get(`${o.address}|${w.model}`)?.gpuId ?? '').filter((g) => g !== '')).size;
  return liveInventory(world)
    .filter((x) => x.live.length > 0)
    .map(({ o, live }) => ({
      address: o.address,
      uri: o.serviceUri,
      models: live.map((w) => w.model).sort(),
      gpu_count: gpuCount(o),
      last_seen: goTime(lastSeen(o, now)),
    }))
    .sort((a, b) => b.gpu_count - a.gpu_count || (a.address < b.address ? -1 : 1));
}

function streamingModels(world: World, activity: Truth, inputs: SlaInput[], hardware: Map<string, Hardware>, now: number): StreamingModelRow[] {
  const inv = liveInventory(world);
  const models = [...new Set(inv.flatMap((x) => x.live.filter((w) => w.warm).map((w) => w.model)))];
  return models
    .map((model) => {
      const offering = inv.filter((x) => x.live.some((w) => w.model === model && w.warm));
      const slots = new Set(offering.map((x) => hardware.get(`${x.o.address}|${model}`)?.gpuId ?? '').filter((g) => g !== ''));
      // A stream is active when it is still running at `now` (not completed, seen in the last 30 min).
      const active = activity.sessions.filter((s) => s.model === model && s.orchestrator !== null && s.startMs < now && s.endMs >= now - 1).length;
      const recent = inputs.filter((i) => i.model === model && i.t >= now - DAY_MS && i.t < now);
      const samples = recent.reduce((a, i) => a + i.statusSamples, 0);
      const fps = samples > 0 ? recent.reduce((a, i) => a + i.fpsSum, 0) / samples : 0;
      return {
        pipeline: LIVE_PIPELINE,
        model,
        warm_orch_count: offering.length,
        gpu_slots: slots.size,
        active_streams: active,
        available_capacity: slots.size - active,
        avg_fps: Math.round(fps * 10) / 10,
      };
    })
    .sort((a, b) => b.warm_orch_count - a.warm_orch_count || (a.model < b.model ? -1 : 1));
}

export function buildTables(world: World, activity: Truth, now: number): NaapTables {
  const hardware = hardwareIndex(world);
  const inputs = slaInputs(world, activity.sessions, hardware);
  const scored = scoreSla(inputs);
  const sla = scored.map(({ input: i, score }) => ({
    t: i.t,
    keys: [i.orchestrator, i.pipeline, i.model, i.gpuId, i.org],
    row: {
      window_start: goTime(i.t),
      org: i.org,
      orchestrator_address: i.orchestrator,
      pipeline_id: i.pipeline,
      model_id: i.model,
      gpu_id: i.gpuId,
      requested_sessions: i.requested,
      startup_success_sessions: i.success,
      // NaaP's route serves ifNull(x, 0) for every nullable ratio and for the score.
      effective_success_rate: i.requested > 0 ? 1 - i.effectiveFailed / i.requested : 0,
      no_swap_rate: i.requested > 0 ? 1 - i.swapped / i.requested : 0,
      avg_output_fps: rate(i.fpsSum, i.statusSamples),
      sla_score: score ?? 0,
    },
  }));
  const gpuMetrics = inputs
    .filter((i) => i.gpuId !== '')
    .map((i) => ({
      t: i.t,
      keys: [i.orchestrator, i.pipeline, i.model, i.gpuId, i.org],
      row: {
        window_start: goTime(i.t),
        org: i.org,
        orchestrator_address: i.orchestrator,
        pipeline_id: i.pipeline,
        model_id: i.model,
        gpu_id: i.gpuId,
        gpu_model_name: i.gpuName,
        known_sessions_count: i.requested,
        startup_success_sessions: i.success,
        avg_output_fps: rate(i.fpsSum, i.statusSamples),
        avg_e2e_latency_ms: rate(i.e2eSum, i.e2eCount),
        swap_rate: rate(i.swapped, i.requested),
      },
    }));
  return {
    now,
    sla,
    demand: demandRows(world, activity.sessions),
    gpuMetrics,
    aiBatchJobs: aiBatchRows(world, activity, hardware),
    models: streamingModels(world, activity, inputs, hardware, now),
    orchestrators: streamingOrchestrators(world, hardware, now),
  };
}
