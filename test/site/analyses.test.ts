// The example analyses in sql/analyses/: each parses, runs over a small release store with the
// store as DuckDB's search path, and gives the numbers the fixture's arithmetic says it should.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { datasetsRead, loadAnalyses, parseAnalysis, readAnalyses, runAnalysis, type AnalysisResult } from '../../site/scripts/analyses.ts';
import { repoRoot } from '../../site/scripts/paths.ts';
import { ORCHESTRATORS, WORKFLOWS, NEVER_REQUESTED, sampleRows, type WrittenRelease } from './fixtures.ts';
import { ECONOMICS_ONLY, GATEWAYS, LIVE_ORCHESTRATORS, writeSiteStore } from './site-store.ts';

let tmp: string;
let store: string;
let release: WrittenRelease;
const results = new Map<string, AnalysisResult>();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-analyses-'));
  store = join(tmp, 'store');
  release = await writeSiteStore(store);
  for (const analysis of await readAnalyses()) results.set(analysis.name, await runAnalysis(analysis, store));
}, 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const result = (name: string) => {
  const r = results.get(name);
  if (!r) throw new Error(`no analysis sql/analyses/${name}.sql`);
  return r;
};

describe('sql/analyses', () => {
  it('every analysis states its question, reads released datasets and returns rows over the fixture store', () => {
    expect(results.size).toBeGreaterThanOrEqual(5);
    for (const r of results.values()) {
      expect(r.question, r.name).toMatch(/\?$/);
      expect(r.datasets.length, r.name).toBeGreaterThan(0);
      expect(r.releases.map((x) => x.dataset_id), r.name).toEqual(r.datasets);
      expect(r.rows.length, r.name).toBeGreaterThan(0);
    }
  });

  it('reads only the latest release: startup success is summed parts over summed parts, null where nothing was requested', () => {
    const r = result('startup_success_by_orchestrator');
    expect(r.releases).toEqual([{ dataset_id: 'orchestrator_workflow_hourly', release_id: release.releaseId }]);
    expect(r.rows).toHaveLength(ORCHESTRATORS.length * WORKFLOWS.length);
    const [o, wf] = [ORCHESTRATORS[0]!, WORKFLOWS[0]!];
    const parts = sampleRows().filter((x) => x.orchestrator_address === o && x.pipeline === wf.pipeline && x.model === wf.model);
    const requested = parts.reduce((s, x) => s + x.requested_sessions, 0);
    const started = parts.reduce((s, x) => s + x.startup_success_sessions, 0);
    const row = r.rows.find((x) => x.orchestrator_address === o && x.pipeline === wf.pipeline)!;
    expect(row).toMatchObject({ requested_sessions: requested, startup_success_sessions: started, startup_success_rate: Math.round((started / requested) * 1e4) / 1e4 });
    const never = r.rows.find((x) => x.orchestrator_address === NEVER_REQUESTED.orchestrator && x.pipeline === NEVER_REQUESTED.pipeline)!;
    expect(never).toMatchObject({ requested_sessions: 0, startup_success_rate: null });
    expect(r.rows.at(-1)).toBe(never);
  });

  it('fees: each gateway pays every orchestrator an equal share in the fixture, and shares sum to 1', () => {
    const r = result('fees_by_gateway_and_orchestrator');
    expect(r.rows).toHaveLength(GATEWAYS.length * LIVE_ORCHESTRATORS.length);
    for (const g of GATEWAYS) {
      const rows = r.rows.filter((x) => x.gateway_address === g);
      expect(rows.map((x) => x.share_of_gateway_fees)).toEqual(LIVE_ORCHESTRATORS.map(() => 1 / LIVE_ORCHESTRATORS.length));
      expect(rows.map((x) => x.winning_tickets)).toEqual([3, 3]);
    }
  });

  it('organic and synthetic traffic stay apart, each rate over its own scored requests', () => {
    const r = result('synthetic_vs_organic_success');
    expect(r.rows).toEqual([{
      orchestrator_address: LIVE_ORCHESTRATORS[0], pipeline: 'llm', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
      organic_scored_requests: 20, organic_successes: 19, organic_success_rate: 0.95,
      synthetic_scored_requests: 6, synthetic_successes: 5, synthetic_success_rate: 0.8333, organic_minus_synthetic: 0.1167,
    }]);
  });

  it('demand beside supply per workflow: unserved share and slot utilisation from summed parts', () => {
    const [row] = result('demand_vs_supply_by_workflow').rows;
    const requested = GATEWAYS.length * Array.from({ length: 24 }, (_, h) => 5 + (h % 4)).reduce((a, b) => a + b, 0);
    const inUse = Array.from({ length: 24 }, (_, h) => h % 5).reduce((a, b) => a + b, 0);
    expect(row).toMatchObject({ requested_sessions: requested, unserved_sessions: GATEWAYS.length * 4, unserved_share: Math.round(((GATEWAYS.length * 4) / requested) * 1e4) / 1e4, supply_hours: 24, slot_hours: 24 * 8, in_use_slot_hours: inUse, slot_utilisation: Math.round((inUse / (24 * 8)) * 1e4) / 1e4 });
  });

  it('reward calls and cuts: one row per orchestrator, including one seen only in economics', () => {
    const r = result('missed_reward_calls_and_cuts');
    expect(r.rows.map((x) => x.orchestrator_address).sort()).toEqual([...LIVE_ORCHESTRATORS, ECONOMICS_ONLY].sort());
    expect(r.rows[0]).toMatchObject({ rewarded_rounds: 1, missed_reward_rounds: 0, reward_call_rate: 1, first_reward_cut_pct: 5, last_reward_cut_pct: 5 });
  });

  it('SLA leaderboard: sessions behind each score, and the score weighted by them', () => {
    const r = result('sla_score_leaderboard');
    expect(r.rows.map((x) => x.orchestrator_address)).toEqual([LIVE_ORCHESTRATORS[1], LIVE_ORCHESTRATORS[0]]);
    expect(r.rows.map((x) => x.sla_score)).toEqual([85, 80]);
    expect(r.rows.every((x) => typeof x.sla_requested_sessions === 'number' && x.sla_requested_sessions > 0)).toBe(true);
  });

  it('the loader output is stable JSON stamped with the release time', async () => {
    const a = await loadAnalyses(store);
    const b = await loadAnalyses(store);
    expect(a.body).toEqual(b.body);
    expect(a.modified.toISOString()).toBe('2026-11-17T00:05:00.000Z');
    const parsed = JSON.parse(String(a.body)) as { analyses: AnalysisResult[] };
    expect(parsed.analyses.map((x) => x.name)).toEqual([...results.keys()]);
  });
});

describe('analysis errors', () => {
  it('names the analysis and the missing dataset, and the loader exits 1 with that message', async () => {
    const partial = join(tmp, 'partial');
    await cp(store, partial, { recursive: true });
    await rm(join(partial, 'workflow_traffic_daily'), { recursive: true });
    await expect(loadAnalyses(partial)).rejects.toThrow(/synthetic_vs_organic_success\.sql reads dataset workflow_traffic_daily, which it cannot use: dataset workflow_traffic_daily has no release/);
    const loader = join(repoRoot, 'site', 'src', 'data', 'analyses.json.ts');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', loader], { cwd: repoRoot, env: { ...process.env, LPDATA_STORE: partial } });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('reads dataset workflow_traffic_daily') });
  }, 30_000);

  it('refuses a file without a question or without a released dataset', () => {
    expect(() => parseAnalysis('x.sql', "select 1 from read_parquet('a/v1/*/part-*.parquet')")).toThrow(UserError);
    expect(() => parseAnalysis('x.sql', '-- What is one?\nselect 1')).toThrow(/reads no released dataset/);
    const parsed = parseAnalysis('sql/analyses/x.sql', "-- Which\n-- one?\n-- Note.\nselect 1 from read_parquet('a_b/v1/*/part-*.parquet') where f like (select release_id from read_json('c/latest.json'))");
    expect(parsed).toMatchObject({ name: 'x', question: 'Which one?', notes: 'Note.', datasets: ['a_b', 'c'] });
    expect(datasetsRead("read_parquet('live_session_facts/v1/*/date=*/part-*.parquet', hive_partitioning = false)")).toEqual(['live_session_facts']);
  });

  it('reports a failing query as the analysis file plus DuckDB\'s message', async () => {
    const bad = { ...parseAnalysis('bad.sql', "-- Bad?\nselect no_such_column from read_parquet('economics_fees_daily/v1/*/part-*.parquet')") };
    await expect(runAnalysis(bad, store)).rejects.toThrow(/sql\/analyses\/bad\.sql failed in DuckDB: .*no_such_column/s);
  });
});
