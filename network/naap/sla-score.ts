// NaaP's hourly SLA score (docs/sources.md §12.1; Cloud-SPE/livepeer-naap-analytics
// api/internal/resolver/repo.go insertSLABenchmarkDaily and insertFinalSLAComplianceRollups).
// Benchmarks are percentiles of the prior 7 full UTC days of hourly rows, network-wide per
// (pipeline, model); NaaP uses ClickHouse's quantileTDigest, this uses exact linear-interpolated
// quantiles, which agree with a t-digest up to its approximation error.
import { DAY_MS } from '../../lib/time.ts';

/** Additive parts of one SLA input row (hour x org x orchestrator x pipeline x model x GPU). */
export interface SlaInput {
  t: number;
  org: string;
  orchestrator: string;
  pipeline: string;
  model: string;
  gpuId: string;
  gpuName: string;
  requested: number;
  success: number;
  excused: number;
  failedNone: number;
  outputFailed: number;
  effectiveFailed: number;
  swapped: number;
  healthObserved: number;
  healthExpected: number;
  statusSamples: number;
  fpsSum: number;
  ptffSum: number;
  ptffCount: number;
  e2eSum: number;
  e2eCount: number;
}

/** Benchmark rows below this count leave the raw component at the neutral 0.5. */
export const MIN_BENCHMARK_ROWS = 48;

interface Band {
  lo: number;
  hi: number;
  n: number;
}

interface DayBenchmark {
  ptff: Band;
  e2e: Band;
  fps: Band;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function band(values: number[], qLo: number, qHi: number): Band {
  const s = [...values].sort((a, b) => a - b);
  return { lo: quantile(s, qLo), hi: quantile(s, qHi), n: s.length };
}

const dayOf = (t: number) => Math.floor(t / DAY_MS);
const avg = (sum: number, n: number) => (n > 0 ? sum / n : null);

/** Daily benchmarks per (day, pipeline, model); each sample is one (hour, orchestrator, GPU) row across orgs. */
export function dailyBenchmarks(inputs: SlaInput[]): Map<string, DayBenchmark> {
  const rows = new Map<string, { day: number; pipeline: string; model: string; ptffSum: number; ptffN: number; e2eSum: number; e2eN: number; fpsSum: number; fpsN: number }>();
  for (const i of inputs) {
    const k = [i.t, i.orchestrator, i.pipeline, i.model, i.gpuId].join('|');
    const r = (rows.get(k) ?? rows.set(k, { day: dayOf(i.t), pipeline: i.pipeline, model: i.model, ptffSum: 0, ptffN: 0, e2eSum: 0, e2eN: 0, fpsSum: 0, fpsN: 0 }).get(k))!;
    r.ptffSum += i.ptffSum;
    r.ptffN += i.ptffCount;
    r.e2eSum += i.e2eSum;
    r.e2eN += i.e2eCount;
    r.fpsSum += i.fpsSum;
    r.fpsN += i.statusSamples;
  }
  const cohorts = new Map<string, { ptff: number[]; e2e: number[]; fps: number[] }>();
  for (const r of rows.values()) {
    const k = [r.day, r.pipeline, r.model].join('|');
    const c = (cohorts.get(k) ?? cohorts.set(k, { ptff: [], e2e: [], fps: [] }).get(k))!;
    const p = avg(r.ptffSum, r.ptffN);
    const e = avg(r.e2eSum, r.e2eN);
    const f = avg(r.fpsSum, r.fpsN);
    if (p !== null) c.ptff.push(p);
    if (e !== null) c.e2e.push(e);
    if (f !== null) c.fps.push(f);
  }
  const out = new Map<string, DayBenchmark>();
  for (const [k, c] of cohorts) out.set(k, { ptff: band(c.ptff, 0.5, 0.9), e2e: band(c.e2e, 0.5, 0.9), fps: band(c.fps, 0.1, 0.5) });
  return out;
}

/** The 7 prior days' daily percentiles, averaged with their row counts as weights. */
function weekBenchmark(bench: Map<string, DayBenchmark>, t: number, pipeline: string, model: string): DayBenchmark {
  const acc = { ptff: { lo: 0, hi: 0, n: 0 }, e2e: { lo: 0, hi: 0, n: 0 }, fps: { lo: 0, hi: 0, n: 0 } };
  for (let off = 1; off <= 7; off++) {
    const b = bench.get([dayOf(t) - off, pipeline, model].join('|'));
    if (!b) continue;
    for (const m of ['ptff', 'e2e', 'fps'] as const) {
      if (b[m].n === 0) continue;
      acc[m].lo += b[m].lo * b[m].n;
      acc[m].hi += b[m].hi * b[m].n;
      acc[m].n += b[m].n;
    }
  }
  const done = (x: Band): Band => (x.n > 0 ? { lo: x.lo / x.n, hi: x.hi / x.n, n: x.n } : x);
  return { ptff: done(acc.ptff), e2e: done(acc.e2e), fps: done(acc.fps) };
}

/** Latency: 1 at or below p50, 0 at or above p90, linear between. */
export function latencyRaw(value: number | null, b: Band): number {
  if (value === null || b.n < MIN_BENCHMARK_ROWS) return 0.5;
  if (b.hi <= b.lo) return value <= b.lo ? 1 : 0;
  if (value <= b.lo) return 1;
  if (value >= b.hi) return 0;
  return 1 - (value - b.lo) / (b.hi - b.lo);
}

/** FPS: 1 at or above p50, 0 at or below p10, linear between. */
export function fpsRaw(value: number | null, b: Band): number {
  if (value === null || b.n < MIN_BENCHMARK_ROWS) return 0.5;
  if (b.hi <= b.lo) return value >= b.hi ? 1 : 0;
  if (value >= b.hi) return 1;
  if (value <= b.lo) return 0;
  return (value - b.lo) / (b.hi - b.lo);
}

const clamp01 = (x: number) => Math.min(Math.max(x, 0), 1);
/** Sparse evidence is pulled toward 0.5: full weight at `full` samples. */
const dampen = (raw: number, samples: number, full: number) => clamp01(0.5 + Math.min(samples / full, 1) * (raw - 0.5));

/** The 0-100 score of one row given its 7-day benchmark; null when no session was requested. */
export function slaScore(i: SlaInput, b: DayBenchmark): number | null {
  if (i.requested === 0) return null;
  const startup = i.success / i.requested;
  const noSwap = 1 - i.swapped / i.requested;
  const viability = 1 - i.outputFailed / i.requested;
  const reliability = clamp01(0.4 * startup + 0.2 * noSwap + 0.4 * viability);
  const ptff = dampen(latencyRaw(avg(i.ptffSum, i.ptffCount), b.ptff), i.ptffCount, 10);
  const e2e = dampen(latencyRaw(avg(i.e2eSum, i.e2eCount), b.e2e), i.e2eCount, 10);
  const fps = dampen(fpsRaw(avg(i.fpsSum, i.statusSamples), b.fps), i.statusSamples, 30);
  const quality = clamp01(0.6 * (0.6 * ptff + 0.4 * e2e) + 0.4 * fps);
  const coverage = Math.min(i.healthExpected > 0 ? i.healthObserved / i.healthExpected : 1, 1);
  return Math.min(Math.max(100 * coverage * (0.7 * reliability + 0.3 * quality), 0), 100);
}

export function scoreSla(inputs: SlaInput[]): { input: SlaInput; score: number | null }[] {
  const bench = dailyBenchmarks(inputs);
  return inputs.map((input) => ({ input, score: slaScore(input, weekBenchmark(bench, input.t, input.pipeline, input.model)) }));
}
