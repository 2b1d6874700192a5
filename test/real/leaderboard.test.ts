// Real leaderboard answers through the leaderboard connector and its models. A local HTTP server
// answers the leaderboard-serverless routes with recorded bytes: transcoding aggregated_stats with
// go-livepeer's perf_stats fixture, AI aggregated_stats with the explorer's recorded image-to-video
// answer, and /api/pipelines with the display names the AI job tester really posts
// (ai-job-tester/config-ai-batch-pipelines.json), so the name -> slug rule meets real names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboardJobs } from '../../jobs/leaderboard/jobs.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { parseWindow } from '../../lib/time.ts';
import { startHttpServer, type PeerServer, type Reply } from '../../network/http-server.ts';
import { lineOf, readBuilt, readRaw, realJson, realText, TempDirs } from './harness.ts';

const TRANSCODING = 'go-livepeer/leaderboard-perf-stats.json';
const AI = 'livepeer-explorer/leaderboard-aggregated-stats.json';
const TESTER = 'ai-job-tester/config-ai-batch-pipelines.json';
// The explorer's commit day; the server answers the same bytes for any since/until.
const WINDOW = parseWindow('2024-12-02', '2024-12-03');
// The recorded answers do not say which model was asked; the query carries this one.
const MODEL = 'model-not-recorded';

type Scores = Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>>;
interface TesterPipeline {
  name: string;
  uri: string;
  byoc?: boolean;
}

// BYOC entries post "BYOC - OpenAI Chat Completions" for capability openai-chat-completions: what
// their slug should be is open (see README.md), so only the built-in pipelines are asked here.
const testerPipelines = realJson<{ pipelines: TesterPipeline[] }>(TESTER).pipelines.filter((p) => !p.byoc);

const dirs = new TempDirs();
let server: PeerServer;
let dataDir: string;

const json = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'application/json' }, body });

beforeAll(async () => {
  server = await startHttpServer((req) => {
    const q = req.url.searchParams;
    switch (req.url.pathname) {
      case '/api/pipelines':
        return json(JSON.stringify({ pipelines: testerPipelines.map((p) => ({ id: p.name, models: [MODEL], regions: [] })) }));
      case '/api/aggregated_stats':
        // The real server scores AI when pipeline and model are given, transcoding otherwise.
        return json(q.has('pipeline') ? realText(AI) : realText(TRANSCODING));
      default:
        return { status: 404, body: 'not found' };
    }
  });
  dataDir = await dirs.make('leaderboard');
  const base = loadConfig({ LPDATA_DATA_DIR: dataDir });
  const config = { ...base, endpoints: { ...base.endpoints, leaderboard: server.url, aiLeaderboard: server.url } };
  const log = logger({ test: 'real-leaderboard' });
  await ingest(leaderboardJobs.filter((j) => j.name === 'leaderboard.aggregated_stats'), config, WINDOW, log, new Date('2024-12-03T06:00:00Z'));
  await buildModels(config, WINDOW, log, ['core_leaderboard_reported']);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await dirs.removeAll();
});

describe('real leaderboard answers through the leaderboard connector', () => {
  it('stores one record per orchestrator of every answer and quarantines nothing', async () => {
    const raw = await readRaw(dataDir, 'leaderboard', 'aggregated_stats');
    expect(raw.quarantine).toEqual([]);
    expect(raw.manifests.map((m) => m.quarantined)).toEqual([0]);
    // 9 AI queries x 100 orchestrators (explorer) + 1 transcoding query x 2 orchestrators (perf_stats).
    expect(testerPipelines).toHaveLength(9);
    expect(raw.records).toHaveLength(9 * 100 + 2);
  });

  it('stages every region score: 14 regions x 100 orchestrators per AI query, 8 x 2 for transcoding', async () => {
    const rows = await readBuilt(dataDir, 'staging', 'stg_leaderboard_aggregated_stats');
    const transcoding = rows.filter((r) => r.job_type === 'transcoding');
    expect(transcoding).toHaveLength(16);
    expect(rows.filter((r) => r.job_type === 'ai')).toHaveLength(9 * 1400);
    const explorer = rows.filter((r) => r.pipeline_posted === 'Image to video');
    expect(new Set(explorer.map((r) => r.region))).toEqual(new Set(['ATL', 'FRA', 'HND', 'LAX', 'LON', 'MAD', 'MDW', 'MIA', 'NYC', 'SAO', 'SEA', 'SIN', 'STO', 'SYD']));
    expect(new Set(explorer.map((r) => r.orchestrator_address)).size).toBe(100);
  });

  it('keeps the values as recorded, checked by hand against the files', async () => {
    const rows = await readBuilt(dataDir, 'staging', 'stg_leaderboard_aggregated_stats');
    const at = (job: string, orch: string, region: string) => rows.find((r) => r.job_type === job && r.orchestrator_address === orch && r.region === region && (job === 'transcoding' || r.pipeline_posted === 'Image to video'));
    // perf_stats.json line 2-13: 0x001ffe93... FRA all zero (a failing region is reported, not omitted), LAX 1 of 3 probes.
    expect(lineOf(TRANSCODING, '"0x001ffe939761eea3f37dd2223bd08401a3848bf3"')).toBe(2);
    expect(at('transcoding', '0x001ffe939761eea3f37dd2223bd08401a3848bf3', 'FRA')).toMatchObject({ success_rate: 0, round_trip_score: 0, score: 0 });
    expect(at('transcoding', '0x001ffe939761eea3f37dd2223bd08401a3848bf3', 'LAX')).toMatchObject({ success_rate: 0.3333333333333333, round_trip_score: 0.978674309814987, score: 0.326224769938329 });
    // The explorer file is one line: 0x02b6aac3... HND 43 of 45 probes, SYD 41 of 45.
    expect(at('ai', '0x02b6aac33a397aaadee5227c70c69bb97f2cc529', 'HND')).toMatchObject({ success_rate: 0.9555555555555556, round_trip_score: 0.5485674091311726, score: 0.5241866353920094 });
    expect(at('ai', '0x02b6aac33a397aaadee5227c70c69bb97f2cc529', 'SYD')).toMatchObject({ success_rate: 0.9111111111111111, score: 0.4589596099922156 });
    // Every number of both files, not just these: the staged rows equal the files' entries.
    const recorded = (file: string) => Object.entries(realJson<Scores>(file)).flatMap(([o, regions]) => Object.entries(regions).map(([region, s]) => `${o}|${region}|${s.success_rate}|${s.round_trip_score}|${s.score}`)).sort();
    const staged = (sel: Record<string, unknown>[]) => sel.map((r) => `${r.orchestrator_address}|${r.region}|${r.success_rate}|${r.round_trip_score}|${r.score}`).sort();
    expect(staged(rows.filter((r) => r.job_type === 'transcoding'))).toEqual(recorded(TRANSCODING));
    expect(staged(rows.filter((r) => r.pipeline_posted === 'Image to video'))).toEqual(recorded(AI));
  });

  it('turns each display name the job tester posts into the pipeline it calls on the gateway', async () => {
    const rows = await readBuilt(dataDir, 'core', 'core_leaderboard_reported');
    const slugs = new Map(rows.filter((r) => r.job_type === 'ai').map((r) => [r.pipeline_posted as string, r.pipeline as string]));
    // The tester's config pairs each display name ("Segment anything 2") with its route ("segment-anything-2").
    expect(Object.fromEntries(slugs)).toEqual(Object.fromEntries(testerPipelines.map((p) => [p.name, p.uri])));
  });
});
