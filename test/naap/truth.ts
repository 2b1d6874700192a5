// Hand-made ground truth for peer tests: small, explicit sessions and batch requests, so expected
// rows can be worked out by hand, plus a seeded bulk generator for paging and volume tests.
import { Rng } from '../../lib/rng.ts';
import { floorHour, HOUR_MS, ms } from '../../lib/time.ts';
import type { Activity, BatchRequestTruth, SessionTruth } from '../../network/activity.ts';
import type { World } from '../../network/world.ts';

export function session(world: World, p: Omit<Partial<SessionTruth>, 'startMs' | 'endMs'> & { startMs: number; endMs?: number }): SessionTruth {
  const o = world.orchestrators[0]!;
  const start = p.startMs;
  const model = p.model ?? o.workflows.find((w) => w.live)!.model;
  const orch = p.orchestrator === undefined ? o.address : p.orchestrator;
  const samples = p.statusSamples ?? 30;
  const fpsSum = p.fpsSum ?? samples * 20;
  const gw = world.gateways[p.gatewayIndex ?? 1]!;
  return {
    streamId: `str_${start}`,
    requestId: (start % 0xffffffff).toString(16).padStart(8, '0'),
    org: gw.org,
    gatewayIndex: gw.index,
    gatewayAddress: gw.address,
    orchestrators: orch ? [orch] : [],
    pipeline: 'live-video-to-video',
    hourMs: floorHour(start),
    startupSuccess: true,
    excusal: null,
    loadingOnly: false,
    zeroFps: false,
    swapsConfirmed: 0,
    swapsInferred: 0,
    statusByHour: orch && samples > 0 ? { [String(floorHour(start))]: { samples, fpsSum, orchestrator: orch } } : {},
    startupLatencyMs: 2000,
    e2eLatencyMs: 500,
    promptToFirstFrameMs: 1000,
    errors: [],
    ...p,
    model,
    orchestrator: orch,
    statusSamples: samples,
    fpsSum,
    startMs: ms(start),
    endMs: ms(p.endMs ?? start + 300_000),
  };
}

export function activityOf(sessions: SessionTruth[], batch: BatchRequestTruth[] = []): Activity {
  return { events: [], eventOrgs: [], sessions, batch, payments: [] };
}

/** Many varied sessions and batch requests across the world's window (for paging and volume). */
export function bulkActivity(world: World, perDay: number, seed = 'bulk'): Activity {
  const rng = new Rng(seed);
  const sessions: SessionTruth[] = [];
  const batch: BatchRequestTruth[] = [];
  const span = world.window.to - world.window.from;
  const n = Math.round((perDay * span) / 86_400_000);
  for (let i = 0; i < n; i++) {
    const start = world.window.from + Math.floor(rng.next() * (span - HOUR_MS));
    const o = rng.pick(world.orchestrators);
    const live = o.workflows.filter((w) => w.live);
    const kind = rng.weighted([['ok', 8], ['fail', 1], ['noorch', 1], ['zero', 1]] as const);
    const noOrch = kind === 'noorch';
    sessions.push(
      session(world, {
        startMs: start,
        gatewayIndex: rng.int(0, world.gateways.length - 1),
        orchestrator: noOrch ? null : o.address,
        model: noOrch ? '' : rng.pick(live).model,
        startupSuccess: kind === 'ok' || kind === 'zero',
        excusal: kind === 'fail' ? 'none' : noOrch ? 'no_orch' : null,
        zeroFps: kind === 'zero',
        statusSamples: noOrch ? 0 : rng.int(1, 40),
        fpsSum: kind === 'ok' ? rng.int(100, 700) : 0,
        swapsConfirmed: rng.chance(0.05) ? 1 : 0,
        startupLatencyMs: kind === 'ok' || kind === 'zero' ? rng.int(1000, 4000) : null,
        e2eLatencyMs: kind === 'ok' ? rng.int(300, 900) : null,
        promptToFirstFrameMs: kind === 'ok' ? rng.int(800, 3000) : null,
        endMs: start + rng.int(10_000, 900_000),
      }),
    );
    const b = rng.pick(world.orchestrators);
    const flow = b.workflows.find((w) => !w.live) ?? b.workflows[0]!;
    batch.push({
      requestId: rng.hex(8),
      gatewayIndex: rng.int(0, world.gateways.length - 1),
      orchestrator: b.address,
      orchUrl: b.serviceUri,
      pipeline: flow.pipeline,
      model: flow.model,
      atMs: ms(start),
      success: rng.chance(0.9),
      durationMs: rng.int(200, 4000),
      tries: 1,
      errorType: '',
    });
  }
  sessions.sort((a, b) => a.startMs - b.startMs);
  batch.sort((a, b) => a.atMs - b.atMs);
  return activityOf(sessions, batch);
}
