// Roll-ups for the overview, leaderboard and orchestrator pages. Every rate is summed successes
// over summed attempts with a Wilson interval beside it; every mean is a summed total over a
// summed count. Nothing measured over zero attempts becomes 0: it stays null ("no data").
// Pure functions, so tests run them as the browser does.

export type Row = Record<string, unknown>;

/** Decoded Parquet values as plain numbers: BIGINT arrives as bigint, DECIMAL and DOUBLE as number. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  throw new Error(`expected a number, got ${JSON.stringify(value)}`);
}

const n0 = (value: unknown): number => num(value) ?? 0;

export interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

/** Wilson score interval (95% by default) for `successes` out of `n`; all null when n is 0. */
export function wilson(successes: number, n: number, z = 1.96): Interval {
  if (!(n > 0)) return { rate: null, low: null, high: null, n: 0 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

export const ratio = (sum: number, count: number): number | null => (count > 0 ? sum / count : null);

export const workflowOf = (r: Row): string => `${String(r.pipeline)} · ${r.model === '' || r.model === null || r.model === undefined ? '(no model reported)' : String(r.model)}`;

/** The additive parts of the live-video metrics, summed over any set of rows. */
export interface LiveParts {
  rows: number;
  requested: number;
  started: number;
  output_failed: number;
  swapped: number;
  ptff_sum_ms: number;
  ptff_count: number;
  e2e_sum_ms: number;
  e2e_count: number;
  fps_sum: number;
  status_samples: number;
}

export function sumLive(rows: readonly Row[]): LiveParts {
  const s: LiveParts = { rows: 0, requested: 0, started: 0, output_failed: 0, swapped: 0, ptff_sum_ms: 0, ptff_count: 0, e2e_sum_ms: 0, e2e_count: 0, fps_sum: 0, status_samples: 0 };
  for (const r of rows) {
    s.rows += 1;
    s.requested += n0(r.requested_sessions);
    s.started += n0(r.startup_success_sessions);
    s.output_failed += n0(r.output_failed_sessions);
    s.swapped += n0(r.swapped_sessions);
    s.ptff_sum_ms += n0(r.prompt_to_first_frame_sum_ms);
    s.ptff_count += n0(r.prompt_to_first_frame_count);
    s.e2e_sum_ms += n0(r.e2e_latency_sum_ms);
    s.e2e_count += n0(r.e2e_latency_count);
    s.fps_sum += n0(r.output_fps_sum);
    s.status_samples += n0(r.status_samples);
  }
  return s;
}

export interface LiveSummary extends LiveParts {
  startup: Interval;
  ptff_ms: number | null;
  e2e_ms: number | null;
  fps: number | null;
}

export function summariseLive(rows: readonly Row[]): LiveSummary {
  const s = sumLive(rows);
  return { ...s, startup: wilson(s.started, s.requested), ptff_ms: ratio(s.ptff_sum_ms, s.ptff_count), e2e_ms: ratio(s.e2e_sum_ms, s.e2e_count), fps: ratio(s.fps_sum, s.status_samples) };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const time = (value: unknown): number => {
  if (value instanceof Date) return value.getTime();
  throw new Error(`expected a date, got ${JSON.stringify(value)}`);
};

export interface TrendPoint extends LiveSummary {
  time: Date;
  /** Resolved orchestrators with at least one requested session in the period. */
  active_orchestrators: number;
}

/** One point per period present in `rows` (column `hour` or `day`), sorted by time. */
export function liveTrend(rows: readonly Row[], column: 'hour' | 'day' = 'hour'): TrendPoint[] {
  const groups = groupBy(rows, (r) => String(time(r[column])));
  return [...groups.entries()]
    .map(([t, group]) => ({
      time: new Date(Number(t)),
      ...summariseLive(group),
      active_orchestrators: new Set(group.filter((r) => r.attribution_status === 'resolved' && n0(r.requested_sessions) > 0).map((r) => String(r.orchestrator_address))).size,
    }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}

export interface LeaderRow extends LiveSummary {
  orchestrator_address: string;
  region: string;
  pipeline: string;
  model: string;
  workflow: string;
  days: number;
  /** The SLA score of the latest day with one, its day and evidence level; null when never scored. */
  sla_score: number | null;
  sla_day: Date | null;
  sla_evidence: string | null;
}

/** One row per resolved orchestrator x region x workflow over the whole release. */
export function leaderboard(daily: readonly Row[]): LeaderRow[] {
  const resolved = daily.filter((r) => r.attribution_status === 'resolved' && typeof r.orchestrator_address === 'string');
  const groups = groupBy(resolved, (r) => JSON.stringify([r.orchestrator_address, r.region, r.pipeline, r.model]));
  const out: LeaderRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const scored = group.filter((r) => num(r.sla_score) !== null).sort((a, b) => time(b.day) - time(a.day));
    const latest = scored[0];
    out.push({
      ...summariseLive(group),
      orchestrator_address: String(first.orchestrator_address),
      region: String(first.region ?? ''),
      pipeline: String(first.pipeline),
      model: String(first.model ?? ''),
      workflow: workflowOf(first),
      days: new Set(group.map((r) => time(r.day))).size,
      sla_score: latest ? num(latest.sla_score) : null,
      sla_day: latest ? new Date(time(latest.day)) : null,
      sla_evidence: latest ? String(latest.sla_evidence ?? '') : null,
    });
  }
  return out.sort((a, b) => (b.sla_score ?? -1) - (a.sla_score ?? -1) || b.requested - a.requested || a.orchestrator_address.localeCompare(b.orchestrator_address) || a.workflow.localeCompare(b.workflow));
}

export interface DemandPoint {
  time: Date;
  requested: number;
  served: number;
  unserved: number;
  active_gateways: number;
}

export function demandTrend(rows: readonly Row[]): DemandPoint[] {
  return [...groupBy(rows, (r) => String(time(r.hour))).entries()]
    .map(([t, group]) => ({
      time: new Date(Number(t)),
      requested: group.reduce((s, r) => s + n0(r.requested_sessions), 0),
      served: group.reduce((s, r) => s + n0(r.served_sessions), 0),
      unserved: group.reduce((s, r) => s + n0(r.unserved_sessions), 0),
      active_gateways: new Set(group.filter((r) => n0(r.requested_sessions) > 0).map((r) => String(r.gateway_address ?? r.gateway_host))).size,
    }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Share of samples at or below each score, for a distribution without binning choices. */
export function scoreValues(rows: readonly Row[]): number[] {
  return rows.map((r) => num(r.sla_score)).filter((v): v is number => v !== null).sort((a, b) => a - b);
}

export const fmtPct = (rate: number | null, digits = 1): string => (rate === null ? 'no data' : `${(rate * 100).toFixed(digits)}%`);
export const fmtNum = (value: number | null, digits = 0): string => (value === null ? 'no data' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const fmtInterval = (i: Interval): string => (i.rate === null ? 'no data' : `${fmtPct(i.rate)} [${fmtPct(i.low)}–${fmtPct(i.high)}]`);
