// Startup success for the page: checks decoded rows, rolls them up from their additive parts
// (sums of successes over sums of requests, never averages of rates) and keeps "no requests"
// as its own state instead of a 0% rate. Pure functions, so they run in tests as in the browser.

export interface WorkflowHour {
  hour: Date;
  /** Lowercase on-chain address; null unless attribution_status is "resolved". */
  orchestrator_address: string | null;
  /** resolved, unresolved (sessions not tied to an address) or no_orchestrator (none was found). */
  attribution_status: string;
  pipeline: string;
  /** Empty when the sessions never reported a model. */
  model: string;
  requested_sessions: number;
  startup_success_sessions: number;
  /** As published: null when requested_sessions is 0. */
  startup_success_rate: number | null;
}

/** Numerator, denominator and their ratio; rate is null when nothing was requested. */
export interface RateParts {
  requested: number;
  success: number;
  rate: number | null;
}

export interface HourRate extends RateParts {
  hour: Date;
}

export interface PairSummary extends RateParts {
  orchestrator_address: string | null;
  attribution_status: string;
  /** The address, or what stands in for it when the sessions were not attributed. */
  orchestrator: string;
  pipeline: string;
  model: string;
  workflow: string;
  /** Hours in which this pair had at least one requested session. */
  hours_with_requests: number;
}

export interface Coverage {
  rows: number;
  first_hour: Date | null;
  last_hour: Date | null;
  /** Distinct resolved addresses. */
  orchestrators: number;
  workflows: number;
  requested: number;
  success: number;
}

const HOUR_MS = 3_600_000;

export const workflowLabel = (pipeline: string, model: string): string => `${pipeline} · ${model === '' ? '(no model reported)' : model}`;

const UNATTRIBUTED: Record<string, string> = {
  unresolved: 'unattributed (address not resolved)',
  no_orchestrator: 'no orchestrator found',
};

export function orchestratorLabel(address: string | null, status: string): string {
  return address ?? UNATTRIBUTED[status] ?? status;
}

export function rateOf(success: number, requested: number): number | null {
  return requested > 0 ? success / requested : null;
}

export function formatRate(rate: number | null): string {
  return rate === null ? 'no data' : `${(rate * 100).toFixed(1)}%`;
}

function count(value: unknown, column: string, index: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`row ${index}: ${column} is ${String(value)}, expected a non-negative integer count`);
  }
  return n;
}

function text(value: unknown, column: string, index: number, { empty = false } = {}): string {
  if (typeof value !== 'string' || (value === '' && !empty)) throw new Error(`row ${index}: ${column} is ${JSON.stringify(value)}, expected text`);
  return value;
}

/** The address, which the contract says is present exactly when attribution_status is "resolved". */
function address(value: unknown, status: string, index: number): string | null {
  if (status === 'resolved') return text(value, 'orchestrator_address', index);
  if (value !== null && value !== undefined) throw new Error(`row ${index}: orchestrator_address is ${JSON.stringify(value)} with attribution_status ${status}; it must be null unless resolved`);
  return null;
}

/** Checks and types decoded Parquet records; a malformed row is an error, never a 0. */
export function toWorkflowHours(records: readonly Record<string, unknown>[]): WorkflowHour[] {
  return records.map((r, i) => {
    if (!(r.hour instanceof Date) || Number.isNaN(r.hour.getTime())) throw new Error(`row ${i}: hour is ${String(r.hour)}, expected a timestamp`);
    const requested = count(r.requested_sessions, 'requested_sessions', i);
    const success = count(r.startup_success_sessions, 'startup_success_sessions', i);
    if (success > requested) throw new Error(`row ${i}: startup_success_sessions ${success} exceeds requested_sessions ${requested}`);
    const rate = r.startup_success_rate;
    if (!(rate === null || rate === undefined || (typeof rate === 'number' && rate >= 0 && rate <= 1))) {
      throw new Error(`row ${i}: startup_success_rate is ${String(rate)}, expected a share between 0 and 1 or null`);
    }
    if ((rate === null || rate === undefined) !== (requested === 0)) {
      throw new Error(`row ${i}: startup_success_rate is ${String(rate)} with ${requested} requested sessions; it must be null exactly when none were requested`);
    }
    if (typeof rate === 'number' && Math.abs(rate - success / requested) > 1e-9) {
      throw new Error(`row ${i}: startup_success_rate ${rate} is not startup_success_sessions / requested_sessions (${success} / ${requested})`);
    }
    const status = text(r.attribution_status, 'attribution_status', i);
    return {
      hour: r.hour,
      orchestrator_address: address(r.orchestrator_address, status, i),
      attribution_status: status,
      pipeline: text(r.pipeline, 'pipeline', i),
      model: text(r.model, 'model', i, { empty: true }),
      requested_sessions: requested,
      startup_success_sessions: success,
      startup_success_rate: rate ?? null,
    };
  });
}

/**
 * One point per hour from the first to the last hour in `rows` (all rows, so filtering does not
 * shrink the axis), summing the parts of the rows that pass `keep`. Hours without requests,
 * including hours with no rows at all, get rate null.
 */
export function hourlyRates(rows: readonly WorkflowHour[], keep: (r: WorkflowHour) => boolean = () => true): HourRate[] {
  if (rows.length === 0) return [];
  let first = Infinity;
  let last = -Infinity;
  const sums = new Map<number, { requested: number; success: number }>();
  for (const r of rows) {
    const t = r.hour.getTime();
    first = Math.min(first, t);
    last = Math.max(last, t);
    if (!keep(r)) continue;
    const s = sums.get(t) ?? { requested: 0, success: 0 };
    s.requested += r.requested_sessions;
    s.success += r.startup_success_sessions;
    sums.set(t, s);
  }
  const out: HourRate[] = [];
  for (let t = first; t <= last; t += HOUR_MS) {
    const s = sums.get(t) ?? { requested: 0, success: 0 };
    out.push({ hour: new Date(t), requested: s.requested, success: s.success, rate: rateOf(s.success, s.requested) });
  }
  return out;
}

/**
 * One row per orchestrator x workflow over the whole release; unattributed sessions keep rows of
 * their own. Sorted by address (unattributed last), pipeline, model.
 */
export function pairSummaries(rows: readonly WorkflowHour[]): PairSummary[] {
  const pairs = new Map<string, PairSummary>();
  for (const r of rows) {
    const key = JSON.stringify([r.attribution_status, r.orchestrator_address, r.pipeline, r.model]);
    let p = pairs.get(key);
    if (!p) {
      p = {
        orchestrator_address: r.orchestrator_address,
        attribution_status: r.attribution_status,
        orchestrator: orchestratorLabel(r.orchestrator_address, r.attribution_status),
        pipeline: r.pipeline,
        model: r.model,
        workflow: workflowLabel(r.pipeline, r.model),
        requested: 0,
        success: 0,
        rate: null,
        hours_with_requests: 0,
      };
      pairs.set(key, p);
    }
    p.requested += r.requested_sessions;
    p.success += r.startup_success_sessions;
    if (r.requested_sessions > 0) p.hours_with_requests += 1;
  }
  const out = [...pairs.values()].map((p) => ({ ...p, rate: rateOf(p.success, p.requested) }));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const attributed = (p: PairSummary) => (p.orchestrator_address === null ? 1 : 0);
  return out.sort((a, b) => attributed(a) - attributed(b) || cmp(a.orchestrator, b.orchestrator) || cmp(a.pipeline, b.pipeline) || cmp(a.model, b.model));
}

export function coverage(rows: readonly WorkflowHour[]): Coverage {
  let first: number | null = null;
  let last: number | null = null;
  let requested = 0;
  let success = 0;
  for (const r of rows) {
    const t = r.hour.getTime();
    first = first === null ? t : Math.min(first, t);
    last = last === null ? t : Math.max(last, t);
    requested += r.requested_sessions;
    success += r.startup_success_sessions;
  }
  return {
    rows: rows.length,
    first_hour: first === null ? null : new Date(first),
    last_hour: last === null ? null : new Date(last),
    orchestrators: new Set(rows.flatMap((r) => (r.orchestrator_address === null ? [] : [r.orchestrator_address]))).size,
    workflows: new Set(rows.map((r) => workflowLabel(r.pipeline, r.model))).size,
    requested,
    success,
  };
}
