// The leaderboard-serverless peer (docs/sources.md §8; livepeer/leaderboard-serverless api/*.go,
// common/params.go): the GET API over the probe rows, with the real parameter rules, defaults and
// error bodies. One server answers for both deployments (transcoding and AI).
import { Rng } from '../../lib/rng.ts';
import { startHttpServer, text, type PeerRequest, type Reply } from '../http-server.ts';
import type { World } from '../world.ts';
import { simulateProbes, type JobType, type ProbeRow, type Stats } from './probes.ts';
import { SEEDED_REGIONS } from './regions.ts';
import { aggregate, aggregatedStats, select, type StatsQuery } from './scoring.ts';

export interface LeaderboardOptions {
  /** The server's "now" for default windows (defaults to the end of the world's window); never the clock. */
  now?: number;
  /** START_TIME_WINDOW: hours in the default window. */
  windowHours?: number;
}

const STANDARD_HEADERS = {
  'access-control-allow-origin': '*',
  'cache-control': 'public, max-age=30, stale-while-revalidate=15',
};

const okJson = (value: unknown): Reply => ({ status: 200, headers: { ...STANDARD_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(value) });

/**
 * common.RespondWithError: http.Error with `{"error":"<message>"}` formatted by Sprintf, so a message
 * holding quotes yields a body that is not valid JSON, exactly as the real service sends it.
 */
function goError(status: number, message: string): Reply {
  return {
    status,
    headers: { ...STANDARD_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: `{"error":"${message}"}\n`,
  };
}

class BadRequest extends Error {}

/** strconv.ParseFloat on decimal input, with Go's error text. */
function parseSeconds(s: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new BadRequest(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s) * 1000;
}

/** common.ParseStatsQueryParams, in its order of checks. */
export function parseStatsQuery(q: URLSearchParams, now: number, windowHours: number): StatsQuery {
  const since = q.get('since') ? parseSeconds(q.get('since')!) : now - windowHours * 3_600_000;
  const until = q.get('until') ? parseSeconds(q.get('until')!) : now;
  const jt = q.get('job_type') ?? '';
  // An unknown job_type is logged and ignored.
  const jobType: JobType | '' = jt === 'ai' || jt === 'transcoding' ? jt : '';
  const pipeline = q.get('pipeline') ?? '';
  const model = q.get('model') ?? '';
  if (model !== '' && pipeline === '') throw new BadRequest('pipeline required');
  if (pipeline !== '' && model === '') throw new BadRequest('model required');
  return { orchestrator: (q.get('orchestrator') ?? '').toLowerCase(), region: (q.get('region') ?? '').toUpperCase(), pipeline, model, sinceMs: since, untilMs: until, jobType };
}

export function leaderboardHandler(rows: ProbeRow[], opts: Required<LeaderboardOptions>) {
  const parse = (req: PeerRequest) => parseStatsQuery(req.url.searchParams, opts.now, opts.windowHours);

  const routes: Record<string, (req: PeerRequest) => Reply> = {
    '/api/aggregated_stats': (req) => {
      const q = parse(req);
      // The median RTT must cover every orchestrator, so the orchestrator filter is applied last.
      const wanted = q.orchestrator;
      const all = aggregatedStats(rows, { ...q, orchestrator: '' });
      const result = wanted === '' ? all : all[wanted] ? { [wanted]: all[wanted] } : {};
      // A zero RTT against a zero median gives NaN, which Go's encoder refuses.
      if (hasNaN(result)) return goError(500, 'json: unsupported value: NaN');
      return okJson(result);
    },
    '/api/raw_stats': (req) => {
      const q = parse(req);
      if (q.orchestrator === '') throw new BadRequest('orchestrator is a required parameter');
      const byRegion = new Map<string, Stats[]>();
      for (const r of [...select(rows, q)].reverse()) {
        const region = String(r.stats.region ?? '');
        byRegion.set(region, [...(byRegion.get(region) ?? []), r.stats]);
      }
      return okJson(Object.fromEntries([...byRegion.keys()].sort().map((k) => [k, byRegion.get(k)])));
    },
    '/api/pipelines': (req) => {
      const q = parse(req);
      const groups = new Map<string, { models: Set<string>; regions: Set<string> }>();
      for (const r of rows) {
        const pipeline = r.stats.pipeline;
        if (typeof pipeline !== 'string' || r.eventTimeMs < q.sinceMs || r.eventTimeMs > q.untilMs) continue;
        if (q.region !== '' && r.region !== q.region) continue;
        const g = groups.get(pipeline) ?? { models: new Set(), regions: new Set() };
        g.models.add(String(r.stats.model ?? ''));
        g.regions.add(r.region);
        groups.set(pipeline, g);
      }
      const pipelines = [...groups.keys()].sort().map((id) => ({ id, models: [...groups.get(id)!.models].sort(), regions: [...groups.get(id)!.regions].sort() }));
      return okJson({ pipelines });
    },
    '/api/regions': () => okJson({ regions: SEEDED_REGIONS }),
    '/api/top_ai_score': (req) => {
      // top_ai_score neither validates parameters nor lower-cases the orchestrator.
      const orchestrator = req.url.searchParams.get('orchestrator') ?? '';
      const window = { sinceMs: opts.now - opts.windowHours * 3_600_000, untilMs: opts.now };
      const best = aggregate(rows, { orchestrator, region: '', pipeline: '', model: '', jobType: 'ai', ...window, sort: 'best-first', limit: 1 })[0];
      if (!best) return okJson({});
      const q: StatsQuery = { orchestrator: '', region: '', pipeline: best.pipeline, model: best.model, jobType: 'ai', ...window };
      const stats = aggregatedStats(rows, q)[orchestrator]?.[best.region];
      // An orchestrator key that is not in the map dereferences nil in Go: the function crashes.
      if (!stats) return text(500, 'A server error has occurred\n\nFUNCTION_INVOCATION_FAILED\n');
      return okJson({ region: best.region, orchestrator: best.orchestrator, value: stats.score, model: best.model, pipeline: best.pipeline });
    },
  };

  return (req: PeerRequest): Reply => {
    const route = routes[req.url.pathname];
    if (!route || req.method !== 'GET') return text(404, 'The page could not be found\n\nNOT_FOUND\n');
    try {
      return route(req);
    } catch (err) {
      if (err instanceof BadRequest) return goError(400, err.message);
      throw err;
    }
  };
}

function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return Number.isNaN(v);
  if (v && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

export async function startLeaderboard(world: World, options: LeaderboardOptions = {}) {
  const probes = simulateProbes(world, new Rng(`${world.options.seed}/leaderboard`));
  const opts = { now: options.now ?? world.window.to, windowHours: options.windowHours ?? 24 };
  const server = await startHttpServer(leaderboardHandler(probes, opts));
  return { url: server.url, stop: server.stop, inject: server.inject, log: server.log, probes };
}
