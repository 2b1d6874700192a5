// leaderboard-serverless scoring (docs/sources.md §12.2; score/stats_scorer.go, postgres/postgres.go):
// averages per orchestrator x region x job type x model x pipeline over the insert-time window,
// then AI: 0.65 x success + 0.35 x exp(-k x mean RTT) with k set so the network median RTT of
// successful probes scores 0.8; transcoding: success x (1 - exp(-mean segment duration / mean RTT)).
import type { JobType, ProbeRow } from './probes.ts';

export interface StatsQuery {
  orchestrator: string;
  region: string;
  pipeline: string;
  model: string;
  sinceMs: number;
  untilMs: number;
  /** Unknown ('') is resolved as the server does: AI when pipeline or model is set, else transcoding. */
  jobType: JobType | '';
  sort?: 'best-first';
  limit?: number;
}

export interface AggregatedRow {
  orchestrator: string;
  region: string;
  jobType: JobType;
  model: string;
  pipeline: string;
  successRate: number;
  segDuration: number;
  roundTripTime: number;
}

export interface AggregatedStats {
  success_rate: number;
  round_trip_score: number;
  score: number;
}

const DESIRED_SCORE_AT_MEDIAN = 0.8;

export function effectiveJobType(q: StatsQuery): JobType {
  if (q.jobType) return q.jobType;
  return q.model !== '' || q.pipeline !== '' ? 'ai' : 'transcoding';
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The rows a query selects (event_details WHERE ...), in insert order. */
export function select(rows: ProbeRow[], q: StatsQuery): ProbeRow[] {
  const jobType = effectiveJobType(q);
  return rows.filter(
    (r) =>
      r.eventTimeMs >= q.sinceMs &&
      r.eventTimeMs <= q.untilMs &&
      (q.orchestrator === '' || r.orchestrator === q.orchestrator) &&
      (q.region === '' || r.region === q.region) &&
      (q.pipeline === '' || r.stats.pipeline === q.pipeline) &&
      (q.model === '' || r.stats.model === q.model) &&
      r.jobType === jobType,
  );
}

export function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (pos - lo) * (s[Math.ceil(pos)]! - s[lo]!);
}

/** PERCENTILE_CONT(0.5) of RTT over successful probes with a non-zero RTT; NULL reads as 0. */
export function medianRtt(rows: ProbeRow[], q: StatsQuery): number {
  const rtts = select(rows, { ...q, sort: undefined, limit: undefined })
    .filter((r) => num(r.stats.round_trip_time) !== 0 && num(r.stats.success_rate) === 1)
    .map((r) => num(r.stats.round_trip_time));
  return percentileCont(rtts, 0.5) ?? 0;
}

/** The GROUP BY orchestrator, region, job_type, model, pipeline of AggregatedStats, sorted for a stable order. */
export function aggregate(rows: ProbeRow[], q: StatsQuery): AggregatedRow[] {
  const groups = new Map<string, { r: AggregatedRow; n: number }>();
  for (const p of select(rows, q)) {
    const model = str(p.stats.model);
    const pipeline = str(p.stats.pipeline);
    const key = [p.orchestrator, p.region, p.jobType, model, pipeline].join('\u0000');
    const g = groups.get(key) ?? { r: { orchestrator: p.orchestrator, region: p.region, jobType: p.jobType, model, pipeline, successRate: 0, segDuration: 0, roundTripTime: 0 }, n: 0 };
    g.r.successRate += num(p.stats.success_rate);
    g.r.segDuration += num(p.stats.seg_duration);
    g.r.roundTripTime += num(p.stats.round_trip_time);
    g.n++;
    groups.set(key, g);
  }
  const out = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { r, n }]) => ({ ...r, successRate: r.successRate / n, segDuration: r.segDuration / n, roundTripTime: r.roundTripTime / n }));
  if (q.sort === 'best-first') out.sort((a, b) => b.successRate - a.successRate || a.roundTripTime - b.roundTripTime);
  return q.limit ? out.slice(0, q.limit) : out;
}

/** A stat is scored as AI when it has both model and pipeline (models.Stats.JobType). */
export function scoreRow(r: AggregatedRow, median: number): AggregatedStats {
  const ai = r.model !== '' && r.pipeline !== '';
  let rts: number;
  if (ai) {
    const k = -Math.log(DESIRED_SCORE_AT_MEDIAN) / median;
    rts = Math.exp(-k * r.roundTripTime);
  } else {
    rts = r.roundTripTime === 0 ? 0 : 1 - Math.exp(-(r.segDuration / r.roundTripTime));
  }
  const score = r.successRate === 0 ? 0 : ai ? 0.65 * r.successRate + 0.35 * rts : r.successRate * rts;
  return { success_rate: r.successRate, round_trip_score: rts, score };
}

/** `{orchestrator: {region: stats}}` with keys in Go's (sorted) map order; later groups overwrite earlier ones. */
export function aggregatedStats(rows: ProbeRow[], q: StatsQuery): Record<string, Record<string, AggregatedStats>> {
  const median = medianRtt(rows, q);
  const byOrch = new Map<string, Map<string, AggregatedStats>>();
  for (const r of aggregate(rows, q)) {
    const m = byOrch.get(r.orchestrator) ?? new Map<string, AggregatedStats>();
    m.set(r.region, scoreRow(r, median));
    byOrch.set(r.orchestrator, m);
  }
  const out: Record<string, Record<string, AggregatedStats>> = {};
  for (const orch of [...byOrch.keys()].sort()) {
    const regions = byOrch.get(orch)!;
    out[orch] = Object.fromEntries([...regions.keys()].sort().map((k) => [k, regions.get(k)!]));
  }
  return out;
}
