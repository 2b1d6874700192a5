// Leaderboard connector: regions, pipelines, aggregated stats and raw probe stats from the two
// leaderboard-serverless deployments, one `date=YYYY-MM-DD` partition per UTC day. Responses are
// stored as returned; where the API keys a response by orchestrator or region, each record keeps
// that key and the query that produced it (see README.md). Display names are normalised in models.
import { runDaily } from '../../lib/daily.ts';
import type { Logger } from '../../lib/log.ts';
import { writeSnapshot, type SnapshotMeta, type SnapshotWriter } from '../../lib/snapshot.ts';
import { iso, isoDay, ms, type Window } from '../../lib/time.ts';
import { summarise, type Job, type JobContext, type JobResult } from '../job.ts';
import { daySeconds, isObject, leaderboardApi, type HttpTuning, type LeaderboardApi, type LeaderboardCall } from './api.ts';

const SOURCE = 'leaderboard';
const VERSION = '1.0.0';

export interface LeaderboardJobOptions {
  http?: HttpTuning;
}

interface Pipeline {
  id: string;
  models: string[];
}

type AggregatedResponse = Record<string, unknown>;

const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** Why an orchestrator's region map cannot be accepted, or undefined. */
function checkRegions(regions: unknown): string | undefined {
  if (!isObject(regions)) return 'regions is not an object';
  for (const s of Object.values(regions)) {
    if (!isObject(s) || !isNum(s.success_rate) || !isNum(s.round_trip_score) || !isNum(s.score)) return 'non-numeric score';
  }
  return undefined;
}

function checkStats(s: unknown): string | undefined {
  if (!isObject(s)) return 'stats is not an object';
  if (!isNum(s.timestamp)) return 'missing or non-numeric timestamp';
  if (!isNum(s.success_rate) || !isNum(s.round_trip_time)) return 'non-numeric success_rate or round_trip_time';
  return undefined;
}

/** Adds a record, or quarantines it with the reason `check` gives. */
async function keep(writer: SnapshotWriter, record: unknown, why: string | undefined): Promise<void> {
  const raw = JSON.stringify(record);
  if (why) writer.reject(raw, why);
  else await writer.add(raw);
}

/** AI pipelines and their models posted during the day, from the AI deployment. */
async function pipelinesOf(api: LeaderboardApi, day: Window, calls: LeaderboardCall[]): Promise<Pipeline[]> {
  const call: LeaderboardCall = { deployment: 'ai', path: '/api/pipelines', params: daySeconds(day) };
  calls.push(call);
  const body = await api.get<{ pipelines?: unknown }>(call);
  if (!isObject(body) || !Array.isArray(body.pipelines)) throw new Error('GET /api/pipelines did not return {pipelines: [...]}; is LPDATA_AI_LEADERBOARD_URL the API root?');
  return body.pipelines.filter((p): p is Pipeline => isObject(p) && typeof p.id === 'string' && Array.isArray(p.models));
}

/** Every aggregated_stats query of a day: one per AI (pipeline, model), one for transcoding. */
async function aggregatedQueries(api: LeaderboardApi, day: Window, calls: LeaderboardCall[]): Promise<{ call: LeaderboardCall; body: AggregatedResponse }[]> {
  const out: { call: LeaderboardCall; body: AggregatedResponse }[] = [];
  const queries: LeaderboardCall[] = [];
  for (const p of await pipelinesOf(api, day, calls)) {
    for (const model of p.models) queries.push({ deployment: 'ai', path: '/api/aggregated_stats', params: { pipeline: p.id, model, ...daySeconds(day) } });
  }
  queries.push({ deployment: 'transcoding', path: '/api/aggregated_stats', params: daySeconds(day) });
  for (const call of queries) {
    calls.push(call);
    const body = await api.get<unknown>(call);
    if (!isObject(body)) throw new Error(`GET ${call.path} (${call.deployment}) did not return a JSON object keyed by orchestrator`);
    out.push({ call, body });
  }
  return out;
}

interface DailyEntity {
  entity: string;
  description: string;
  fill(api: LeaderboardApi, day: Window, writer: SnapshotWriter, calls: LeaderboardCall[]): Promise<void>;
}

const DAILY: DailyEntity[] = [
  {
    entity: 'pipelines',
    description: 'AI pipelines with the models and regions probed during the day',
    async fill(api, day, writer, calls) {
      const query = daySeconds(day);
      const call: LeaderboardCall = { deployment: 'ai', path: '/api/pipelines', params: query };
      calls.push(call);
      const body = await api.get<{ pipelines?: unknown }>(call);
      if (!isObject(body) || !Array.isArray(body.pipelines)) throw new Error('GET /api/pipelines did not return {pipelines: [...]}');
      for (const p of body.pipelines) await keep(writer, { query, pipeline: p }, isObject(p) && typeof p.id === 'string' ? undefined : 'pipeline without id');
    },
  },
  {
    entity: 'aggregated_stats',
    description: 'per-orchestrator, per-region success rate, round-trip score and score: each AI (pipeline, model) and transcoding',
    async fill(api, day, writer, calls) {
      for (const { call, body } of await aggregatedQueries(api, day, calls)) {
        for (const [orchestrator, regions] of Object.entries(body)) await keep(writer, { query: call.params, orchestrator, regions }, checkRegions(regions));
      }
    },
  },
  {
    entity: 'raw_stats',
    description: 'every probe result of each orchestrator seen in the day\'s aggregated stats, transcoding and AI',
    async fill(api, day, writer, calls) {
      const seen = new Set<string>();
      for (const { body } of await aggregatedQueries(api, day, calls)) for (const o of Object.keys(body)) seen.add(o);
      for (const orchestrator of [...seen].sort()) {
        // Without pipeline, model or job_type the server returns transcoding rows only.
        for (const [deployment, extra] of [['transcoding', {}], ['ai', { job_type: 'ai' }]] as const) {
          const params = { orchestrator, ...extra, ...daySeconds(day) };
          const call: LeaderboardCall = { deployment, path: '/api/raw_stats', params };
          calls.push(call);
          const body = await api.get<unknown>(call);
          if (!isObject(body)) throw new Error(`GET /api/raw_stats (${deployment}) did not return a JSON object keyed by region`);
          for (const [region, list] of Object.entries(body)) {
            if (!Array.isArray(list)) {
              await keep(writer, { query: params, region, stats: list }, 'region value is not a list');
              continue;
            }
            for (const stats of list) await keep(writer, { query: params, region, stats }, checkStats(stats));
          }
        }
      }
    },
  },
];

function meta(name: string, api: LeaderboardApi, calls: LeaderboardCall[], window: Window): SnapshotMeta {
  return {
    job: name,
    jobVersion: VERSION,
    endpoint: api.describe(),
    query: calls,
    window: { from: iso(window.from), to: iso(window.to) },
    extra: { requests: calls.length },
  };
}

function dailyJob(d: DailyEntity, opts: LeaderboardJobOptions): Job {
  const name = `${SOURCE}.${d.entity}`;
  return {
    name,
    source: SOURCE,
    entity: d.entity,
    version: VERSION,
    description: `leaderboard ${d.description}`,
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const log: Logger = ctx.log.child({ job: name });
      const api = leaderboardApi(ctx.config, log, opts.http);
      const { manifests, skipped } = await runDaily(
        { dataDir: ctx.config.dataDir, source: SOURCE, entity: d.entity, window: ctx.window, log, fetchedAt: ctx.fetchedAt },
        async (day, writer) => {
          const calls: LeaderboardCall[] = [];
          await d.fill(api, day, writer, calls);
          return meta(name, api, calls, day);
        },
      );
      return summarise(name, manifests, started, { upToDate: manifests.length === 0 && skipped.length > 0 });
    },
  };
}

/** Regions are reference data without a window: fetched from both deployments, filed under the window's last day. */
function regionsJob(opts: LeaderboardJobOptions): Job {
  const name = `${SOURCE}.regions`;
  return {
    name,
    source: SOURCE,
    entity: 'regions',
    version: VERSION,
    description: 'leaderboard regions table (code, display name, job type) of both deployments',
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const api = leaderboardApi(ctx.config, ctx.log.child({ job: name }), opts.http);
      const calls: LeaderboardCall[] = [];
      const records: string[] = [];
      const rejected: { raw: string; reason: string }[] = [];
      for (const deployment of ['transcoding', 'ai'] as const) {
        const call: LeaderboardCall = { deployment, path: '/api/regions', params: {} };
        calls.push(call);
        const body = await api.get<{ regions?: unknown }>(call);
        if (!isObject(body) || !Array.isArray(body.regions)) throw new Error(`GET /api/regions (${deployment}) did not return {regions: [...]}`);
        for (const region of body.regions) {
          const raw = JSON.stringify({ deployment, region });
          if (isObject(region) && typeof region.id === 'string') records.push(raw);
          else rejected.push({ raw, reason: 'region without id' });
        }
      }
      const manifest = await writeSnapshot(
        { dataDir: ctx.config.dataDir, source: SOURCE, entity: 'regions', partition: `date=${isoDay(ms(ctx.window.to - 1))}` },
        { ...meta(name, api, calls, ctx.window), extra: { requests: calls.length, snapshot: 'current' } },
        records,
        rejected,
        ctx.fetchedAt,
      );
      return summarise(name, [manifest], started);
    },
  };
}

export function createLeaderboardJobs(opts: LeaderboardJobOptions = {}): Job[] {
  return [regionsJob(opts), ...DAILY.map((d) => dailyJob(d, opts))];
}

export const leaderboardJobs: Job[] = createLeaderboardJobs();
