// NaaP's SLA score on hand-computed examples (docs/sources.md §12.1).
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/time.ts';
import { buildTables } from '../../network/naap/rows.ts';
import { dailyBenchmarks, quantile, scoreSla, type SlaInput } from '../../network/naap/sla-score.ts';
import { createWorld } from '../../network/world.ts';
import { activityOf, session } from './truth.ts';

const D = Date.parse('2026-11-20T00:00:00Z');

function input(p: Partial<SlaInput>): SlaInput {
  return {
    t: D, org: 'daydream', orchestrator: '0xaa', pipeline: 'live-video-to-video', model: 'streamdiffusion-sdxl', gpuId: 'GPU-1', gpuName: 'x',
    requested: 1, success: 1, excused: 0, failedNone: 0, outputFailed: 0, effectiveFailed: 0, swapped: 0,
    healthObserved: 3, healthExpected: 3, statusSamples: 0, fpsSum: 0, ptffSum: 0, ptffCount: 0, e2eSum: 0, e2eCount: 0,
    ...p,
  };
}

/** k = 1..n on the previous day: PTFF 100k ms, E2E 10k ms, FPS k, one sample each. */
function priorDay(n: number): SlaInput[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    return input({ t: D - DAY_MS + (k % 24) * 3_600_000, orchestrator: `0x${k}`, ptffSum: 100 * k, ptffCount: 1, e2eSum: 10 * k, e2eCount: 1, fpsSum: k, statusSamples: 1 });
  });
}

describe('NaaP SLA score', () => {
  it('interpolates quantiles linearly', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([100, 200], 0.9)).toBeCloseTo(190, 10);
  });

  it('builds daily benchmarks from the prior day rows', () => {
    const b = dailyBenchmarks(priorDay(60)).get([Math.floor((D - DAY_MS) / DAY_MS), 'live-video-to-video', 'streamdiffusion-sdxl'].join('|'))!;
    expect(b.ptff).toEqual({ lo: 3050, hi: 5410, n: 60 });
    expect(b.e2e.lo).toBeCloseTo(305, 9);
    expect(b.e2e.hi).toBeCloseTo(541, 9);
    expect(b.fps.lo).toBeCloseTo(6.9, 9);
    expect(b.fps.hi).toBeCloseTo(30.5, 9);
  });

  it('scores a row against a 7-day benchmark with dampening and coverage', () => {
    // Reliability 0.75; PTFF 3640 ms (raw 0.75, 10 samples: full weight); E2E 364 ms (raw 0.75,
    // 5 samples: 0.625); FPS 24.6 (raw 0.75, 15 samples: 0.625); coverage 10/12.
    // latency = 0.6*0.75 + 0.4*0.625 = 0.7; quality = 0.6*0.7 + 0.4*0.625 = 0.67
    // score = 100 * 10/12 * (0.7*0.75 + 0.3*0.67) = 60.5
    const target = input({ requested: 4, success: 3, swapped: 1, outputFailed: 1, ptffSum: 36_400, ptffCount: 10, e2eSum: 1_820, e2eCount: 5, fpsSum: 369, statusSamples: 15, healthObserved: 10, healthExpected: 12 });
    const scored = scoreSla([...priorDay(60), target]).find((s) => s.input === target)!;
    expect(scored.score).toBeCloseTo(60.5, 9);
  });

  it('leaves every quality component at 0.5 when the benchmark has fewer than 48 rows', () => {
    const target = input({ requested: 4, success: 3, swapped: 1, outputFailed: 1, ptffSum: 36_400, ptffCount: 10, e2eSum: 1_820, e2eCount: 5, fpsSum: 369, statusSamples: 15, healthObserved: 10, healthExpected: 12 });
    const scored = scoreSla([...priorDay(47), target]).find((s) => s.input === target)!;
    // 100 * 10/12 * (0.7*0.75 + 0.3*0.5) = 56.25
    expect(scored.score).toBeCloseTo(56.25, 9);
  });

  it('is null when no session was requested', () => {
    expect(scoreSla([input({ requested: 0, success: 0 })])[0]!.score).toBeNull();
  });

  it('serves the score and rates NaaP computes from sessions', () => {
    const world = createWorld({ start: '2026-11-20', days: 1 });
    const t = D + 3_600_000 + 60_000;
    const good = session(world, { startMs: t });
    // Unexcused failure with a first processed segment but LOADING samples at 0 fps only: 1 of 3
    // health signals (session.go: a status sample; not playable; loading-only and zero-fps). The
    // first processed segment is not a signal.
    const bad = session(world, { startMs: t + 1000, startupSuccess: false, excusal: 'none', loadingOnly: true, zeroFps: true, statusSamples: 3, fpsSum: 0, startupLatencyMs: 3000, e2eLatencyMs: null, promptToFirstFrameMs: null });
    const tables = buildTables(world, activityOf([good, bad]), world.window.to);
    const rows = tables.sla.map((r) => r.row).filter((r) => r.org === world.gateways[1]!.org);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.requested_sessions).toBe(2);
    expect(row.startup_success_sessions).toBe(1);
    expect(row.effective_success_rate).toBe(0.5);
    expect(row.no_swap_rate).toBe(1);
    expect(row.avg_output_fps).toBeCloseTo(600 / 33, 12);
    // reliability = 0.4*0.5 + 0.2*1 + 0.4*0.5 = 0.6; quality 0.5 (no benchmark); coverage 4/6
    expect(row.sla_score).toBeCloseTo(100 * (4 / 6) * (0.7 * 0.6 + 0.3 * 0.5), 9);
    expect(row.window_start).toBe('2026-11-20T01:00:00Z');
    expect(row.orchestrator_address).toBe(world.orchestrators[0]!.address);
  });
});
