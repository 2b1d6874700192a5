// The summary a bundle publishes, computed one way for the runner and for `loadtest verify`.
export const OUTCOMES = ['passed', 'deferred_busy', 'deferred_indeterminate', 'failed', 'unscored'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RequestRecord {
  run_id: string;
  seq: number;
  scheduled_at_ms: number;
  sent_at_ms: number;
  ttfb_ms: number | null;
  completed_at_ms: number | null;
  http_status: number | null;
  outcome: Outcome;
  error: string | null;
  orchestrator: string | null;
  pipeline: string;
  model: string;
  input_sha256: string;
  response_sha256: string | null;
}

export interface Summary {
  requests: number;
  outcomes: Record<Outcome, number>;
  /** passed / (passed + failed): deferred and unscored requests say nothing about the orchestrator. */
  success_rate: number | null;
  success_rate_ci_low: number | null;
  success_rate_ci_high: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  throughput_rps: number | null;
}

/** Linear-interpolation quantile (DuckDB's quantile_cont). */
export function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/** Wilson score interval at 95 %. */
export function wilson(successes: number, trials: number): [number, number] | [null, null] {
  if (trials === 0) return [null, null];
  const z = 1.959963984540054;
  const p = successes / trials;
  const d = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const round = (x: number | null, places = 6) => (x === null ? null : Math.round(x * 10 ** places) / 10 ** places);

export function summarise(records: RequestRecord[]): Summary {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of records) outcomes[r.outcome]++;
  const scored = outcomes.passed + outcomes.failed;
  const [lo, hi] = wilson(outcomes.passed, scored);
  const latencies = records
    .filter((r) => r.outcome === 'passed' && r.completed_at_ms !== null)
    .map((r) => r.completed_at_ms! - r.sent_at_ms)
    .sort((a, b) => a - b);
  const done = records.filter((r) => r.completed_at_ms !== null);
  const span = done.length ? Math.max(...done.map((r) => r.completed_at_ms!)) - Math.min(...records.map((r) => r.sent_at_ms)) : 0;
  return {
    requests: records.length,
    outcomes,
    success_rate: round(scored ? outcomes.passed / scored : null),
    success_rate_ci_low: round(lo),
    success_rate_ci_high: round(hi),
    latency_p50_ms: round(quantile(latencies, 0.5), 3),
    latency_p95_ms: round(quantile(latencies, 0.95), 3),
    throughput_rps: round(span > 0 ? (done.length * 1000) / span : null),
  };
}
