// Prometheus connector: one job per go-livepeer metric family, each UTC day read with
// `/api/v1/query_range` at a fixed step and split into sub-ranges under Prometheus' 11,000-point
// limit. A record is one series object of one sub-range, exactly as Prometheus returned it.
import { endpoint } from '../../lib/config.ts';
import { runDaily } from '../../lib/daily.ts';
import { redactUrl, requestJson, type RequestOptions } from '../../lib/http.ts';
import type { SnapshotWriter } from '../../lib/snapshot.ts';
import { iso, ms, type Window } from '../../lib/time.ts';
import { summarise, type Job, type JobContext, type JobResult } from '../job.ts';

const SOURCE = 'prometheus';
const VERSION = '1.0.0';

/** Metric families the pipeline reads, as valid PromQL selectors (docs/sources.md §5). */
export const FAMILIES: { entity: string; query: string; description: string }[] = [
  { entity: 'ai_live_attempt', query: 'livepeer_ai_live_attempt', description: 'live AI stream attempts per gateway and model (counter)' },
  { entity: 'ai_first_segment_delay_ms', query: '{__name__=~"livepeer_ai_first_segment_delay_ms_(sum|count)"}', description: 'first live AI segment delay, _sum in ms and _count (counters)' },
  { entity: 'ai_current_live_pipelines', query: 'livepeer_ai_current_live_pipelines', description: 'live AI pipelines running per gateway (gauge)' },
  { entity: 'orchestrator_swaps', query: 'livepeer_orchestrator_swaps', description: 'mid-stream orchestrator swaps per gateway (counter)' },
  { entity: 'ticket_value_sent', query: 'livepeer_ticket_value_sent', description: 'expected value of tickets sent per gateway, gwei (counter)' },
  { entity: 'ai_container_in_use', query: 'livepeer_ai_container_in_use', description: 'AI containers in use per orchestrator and model, from capability polls (gauge)' },
  { entity: 'ai_container_idle', query: 'livepeer_ai_container_idle', description: 'idle AI containers per orchestrator and model, from capability polls (gauge)' },
];

export interface PrometheusJobOptions {
  /** Resolution in ms; 60 s by default. */
  stepMs?: number;
  /** Points per series per request; Prometheus refuses more than 11,000 intervals. */
  maxPoints?: number;
  http?: Pick<RequestOptions, 'retries' | 'baseDelayMs' | 'timeoutMs'>;
}

interface Matrix {
  status: string;
  data?: { resultType?: string; result?: unknown };
  error?: string;
}

/** Step-aligned [start, end] sub-ranges of a day, each at most `maxPoints` points, ends inclusive. */
export function subRanges(day: Window, stepMs: number, maxPoints: number): { start: number; end: number }[] {
  const first = Math.ceil(day.from / stepMs) * stepMs;
  const last = Math.ceil(day.to / stepMs) * stepMs - stepMs;
  const out: { start: number; end: number }[] = [];
  for (let s = first; s <= last; s += maxPoints * stepMs) out.push({ start: s, end: Math.min(last, s + (maxPoints - 1) * stepMs) });
  return out;
}

const SAMPLE = /^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

function checkSeries(s: unknown): string | undefined {
  if (!s || typeof s !== 'object') return 'series is not an object';
  const { metric, values } = s as { metric?: unknown; values?: unknown };
  if (!metric || typeof metric !== 'object' || typeof (metric as Record<string, unknown>).__name__ !== 'string') return 'series without metric.__name__';
  if (!Array.isArray(values)) return 'series without values';
  for (const p of values) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number') return 'malformed sample';
    if (typeof p[1] !== 'string' || !SAMPLE.test(p[1])) return 'non-numeric sample value';
  }
  return undefined;
}

function familyJob(f: (typeof FAMILIES)[number], opts: Required<Pick<PrometheusJobOptions, 'stepMs' | 'maxPoints'>> & PrometheusJobOptions): Job {
  const name = `${SOURCE}.${f.entity}`;
  return {
    name,
    source: SOURCE,
    entity: f.entity,
    version: VERSION,
    description: `Prometheus ${f.description}`,
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const base = endpoint(ctx.config, 'prometheus').replace(/\/$/, '');
      const url = `${base}/api/v1/query_range`;
      const log = ctx.log.child({ job: name });
      const { manifests, skipped } = await runDaily(
        { dataDir: ctx.config.dataDir, source: SOURCE, entity: f.entity, window: ctx.window, log, fetchedAt: ctx.fetchedAt },
        async (day: Window, writer: SnapshotWriter) => {
          const ranges = subRanges(day, opts.stepMs, opts.maxPoints);
          let series = 0;
          for (const r of ranges) {
            // POSTed as a form, as Grafana does, so long selectors never hit URL limits.
            const body = new URLSearchParams({ query: f.query, start: String(r.start / 1000), end: String(r.end / 1000), step: String(opts.stepMs / 1000) }).toString();
            const res = await requestJson<Matrix>(url, { ...opts.http, log, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
            const m = res.body;
            if (m.status !== 'success' || m.data?.resultType !== 'matrix' || !Array.isArray(m.data.result)) {
              throw new Error(`${redactUrl(url)} answered ${JSON.stringify(m).slice(0, 200)} to ${f.query}; expected a matrix (is LPDATA_PROMETHEUS_URL a Prometheus server root?)`);
            }
            for (const s of m.data.result) {
              series++;
              const raw = JSON.stringify(s);
              const why = checkSeries(s);
              if (why) writer.reject(raw, why);
              else await writer.add(raw);
            }
          }
          return {
            job: name,
            jobVersion: VERSION,
            endpoint: redactUrl(url),
            query: { query: f.query, step_ms: opts.stepMs, ranges: ranges.map((r) => ({ start: iso(ms(r.start)), end: iso(ms(r.end)) })) },
            window: { from: iso(day.from), to: iso(day.to) },
            extra: { requests: ranges.length, series },
          };
        },
      );
      return summarise(name, manifests, started, { upToDate: manifests.length === 0 && skipped.length > 0 });
    },
  };
}

export function createPrometheusJobs(options: PrometheusJobOptions = {}): Job[] {
  const opts = { stepMs: 60_000, maxPoints: 11_000, ...options };
  if (!(Number.isInteger(opts.stepMs) && opts.stepMs >= 1000)) throw new Error(`Prometheus step must be a whole number of ms, at least 1000, got ${opts.stepMs}`);
  if (!(Number.isInteger(opts.maxPoints) && opts.maxPoints >= 1 && opts.maxPoints <= 11_000)) throw new Error(`points per request must be in 1..11000, got ${opts.maxPoints}`);
  return FAMILIES.map((f) => familyJob(f, opts));
}

export const prometheusJobs: Job[] = createPrometheusJobs();
