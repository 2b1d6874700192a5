// NaaP analytics API connector: one job per route used for data. Each UTC day of the run's window
// becomes one `date=YYYY-MM-DD` partition holding every row the route returned for that day, as
// JSON text, untouched (docs/sources.md §3, §15.5).
import { endpoint } from '../../lib/config.ts';
import { runDaily } from '../../lib/daily.ts';
import { redactUrl, requestJson } from '../../lib/http.ts';
import { SnapshotWriter, type SnapshotMeta } from '../../lib/snapshot.ts';
import { iso, isoDay, ms, type Window } from '../../lib/time.ts';
import { summarise, type Job, type JobContext, type JobResult } from '../job.ts';
import { Pacer } from './pacer.ts';
import { walkPages } from './pages.ts';

const SOURCE = 'naap';
const VERSION = '1.0.0';

export interface NaapJobOptions {
  /** Rows per page; NaaP's maximum is 1000. */
  pageLimit?: number;
  /** Client-side pace; NaaP (Traefik) allows 100 req/s sustained, burst 200 per client. */
  pace?: { perSecond: number; burst: number };
  http?: { retries?: number; baseDelayMs?: number; timeoutMs?: number };
}

/** Why a row cannot be accepted, or undefined when it can. */
type Check = (row: Record<string, unknown>) => string | undefined;

const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

function hourly(counters: string[]): Check {
  return (row) => {
    const ws = row.window_start;
    if (typeof ws !== 'string' || ws === '' || !Number.isFinite(Date.parse(ws))) return 'missing or unparseable window_start';
    const bad = counters.find((c) => !isCount(row[c]));
    return bad ? `non-numeric counter ${bad}` : undefined;
  };
}

const batchJob: Check = (row) => {
  const at = row.completed_at;
  if (typeof at !== 'string' || !Number.isFinite(Date.parse(at))) return 'missing or unparseable completed_at';
  const bad = ['tries', 'duration_ms'].find((c) => !isCount(row[c]));
  return bad ? `non-numeric counter ${bad}` : undefined;
};

const orchestratorRow: Check = (row) => (typeof row.address === 'string' && row.address !== '' ? undefined : 'missing address');

interface PagedRoute {
  entity: string;
  route: string;
  description: string;
  check: Check;
}

const PAGED: PagedRoute[] = [
  {
    entity: 'sla',
    route: '/v1/streaming/sla',
    description: 'hourly SLA rows per org x orchestrator x pipeline x model x GPU',
    check: hourly(['requested_sessions', 'startup_success_sessions']),
  },
  {
    entity: 'demand',
    route: '/v1/streaming/demand',
    description: 'hourly demand rows per org x gateway x pipeline x model',
    check: hourly(['requested_sessions', 'startup_success_sessions', 'no_orch_sessions']),
  },
  {
    entity: 'gpu_metrics',
    route: '/v1/streaming/gpu-metrics',
    description: 'hourly GPU rows per org x orchestrator x pipeline x model x GPU',
    check: hourly(['known_sessions_count', 'startup_success_sessions']),
  },
  {
    entity: 'ai_batch_jobs',
    route: '/v1/requests/ai-batch/jobs',
    description: 'AI batch job records by completion time',
    check: batchJob,
  },
];

function accept(writer: SnapshotWriter, row: unknown, check: Check): Promise<void> | void {
  const raw = JSON.stringify(row);
  if (!row || typeof row !== 'object' || Array.isArray(row)) return writer.reject(raw, 'row is not an object');
  const why = check(row as Record<string, unknown>);
  return why ? writer.reject(raw, why) : writer.add(raw);
}

function pagedJob(r: PagedRoute, opts: Required<Pick<NaapJobOptions, 'pageLimit'>> & NaapJobOptions, pacer: Pacer): Job {
  const name = `${SOURCE}.${r.entity}`;
  return {
    name,
    source: SOURCE,
    entity: r.entity,
    version: VERSION,
    description: `NaaP ${r.route}: ${r.description}`,
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const base = endpoint(ctx.config, 'naap');
      const log = ctx.log.child({ job: name });
      const { manifests, skipped } = await runDaily(
        { dataDir: ctx.config.dataDir, source: SOURCE, entity: r.entity, window: ctx.window, log, fetchedAt: ctx.fetchedAt },
        async (day: Window, writer): Promise<SnapshotMeta> => {
          const params = { start: iso(day.from), end: iso(day.to), limit: String(opts.pageLimit) };
          let pages = 0;
          for await (const rows of walkPages({ base, route: r.route, params, pacer, log, http: opts.http })) {
            pages++;
            for (const row of rows) await accept(writer, row, r.check);
          }
          return {
            job: name,
            jobVersion: VERSION,
            endpoint: redactUrl(`${base.replace(/\/$/, '')}${r.route}`),
            query: { route: r.route, params },
            window: { from: iso(day.from), to: iso(day.to) },
            extra: { pages },
          };
        },
      );
      return summarise(name, manifests, started, { upToDate: manifests.length === 0 && skipped.length > 0 });
    },
  };
}

/** The orchestrator inventory has no time parameters: it is the server's last 24 h, fetched whole. */
function orchestratorsJob(opts: NaapJobOptions, pacer: Pacer): Job {
  const entity = 'orchestrators';
  const route = '/v1/streaming/orchestrators';
  const name = `${SOURCE}.${entity}`;
  return {
    name,
    source: SOURCE,
    entity,
    version: VERSION,
    description: `NaaP ${route}: orchestrators offering live video in the 24 h before the server's now (no window parameters)`,
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const base = endpoint(ctx.config, 'naap');
      const url = `${base.replace(/\/$/, '')}${route}`;
      const { body } = await requestJson(url, { ...opts.http, log: ctx.log.child({ job: name }), beforeAttempt: () => pacer.acquire() });
      if (!Array.isArray(body)) throw new Error(`${redactUrl(url)} did not return a JSON array of orchestrators`);
      // Filed under the window's last day: the inventory describes the server's present, and a run
      // over a window is taken to end at that present.
      const writer = new SnapshotWriter({ dataDir: ctx.config.dataDir, source: SOURCE, entity, partition: `date=${isoDay(ms(ctx.window.to - 1))}` });
      try {
        for (const row of body) await accept(writer, row, orchestratorRow);
      } catch (err) {
        await writer.abort();
        throw err;
      }
      const manifest = await writer.commit(
        { job: name, jobVersion: VERSION, endpoint: redactUrl(url), query: { route, params: {} }, window: { from: iso(ctx.window.from), to: iso(ctx.window.to) }, extra: { pages: 1, snapshot: 'current' } },
        ctx.fetchedAt,
      );
      return summarise(name, [manifest], started);
    },
  };
}

export function createNaapJobs(options: NaapJobOptions = {}): Job[] {
  const opts = { pageLimit: 1000, ...options };
  if (!(Number.isInteger(opts.pageLimit) && opts.pageLimit >= 1 && opts.pageLimit <= 1000)) {
    throw new Error(`NaaP page limit must be an integer in 1..1000 (the API silently replaces others with 50), got ${opts.pageLimit}`);
  }
  const pace = opts.pace ?? { perSecond: 80, burst: 40 };
  // One pacer for every NaaP job: the API's limit is per client, not per route.
  const pacer = new Pacer(pace.perSecond, pace.burst);
  return [...PAGED.map((r) => pagedJob(r, opts, pacer)), orchestratorsJob(opts, pacer)];
}

export const naapJobs: Job[] = createNaapJobs();
