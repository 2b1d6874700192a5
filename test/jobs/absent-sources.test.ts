// Absent sources are said out loud: a real-network run with only gateway events configured warns
// once per source left without an endpoint (naming the variable), runs the rest, releases every
// dataset with evidence marked with the sources it lacks, and holds back the datasets that read
// nothing but absent sources instead of releasing them empty.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishResult, ReleaseManifest } from '../../datasets/publish.ts';
import { buildModels, ingest, release } from '../../jobs/pipeline.ts';
import { ALL_JOBS } from '../../jobs/registry.ts';
import type { JobResult } from '../../jobs/job.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger, type Logger } from '../../lib/log.ts';
import { writeArchive } from '../../network/archive.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld } from '../../network/world.ts';

const FETCHED_AT = new Date('2026-11-17T03:00:00Z');
let root: string;
let results: JobResult[];
let out: PublishResult;
const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];

/** A logger that keeps the warnings it is given, and writes everything as usual. */
function recording(base: Logger): Logger {
  return { ...base, warn: (msg, fields) => (warnings.push({ msg, fields }), base.warn(msg, fields)), child: (f) => recording(base.child(f)) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-absent-'));
  const world = createWorld({ seed: 'absent-sources', scale: 0.3, start: '2026-11-16', days: 1 });
  await writeArchive(join(root, 'archives'), simulate(world), world.options.seed);
  // Real-network mode with one source: the archive folder the embedded network writes.
  const config = loadConfig({ LPDATA_DATA_DIR: join(root, 'data'), LPDATA_STORE: join(root, 'store'), LPDATA_GATEWAY_EVENTS: join(root, 'archives') });
  const log = recording(logger({ test: 'absent-sources' }));
  results = await ingest(ALL_JOBS, config, world.window, log, FETCHED_AT);
  const build = await buildModels(config, world.window, log);
  expect(build.failed.map((f) => f.name)).toEqual([]);
  out = await release(config, world.window, log);
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const manifest = async (id: string) => {
  const p = out.published.find((x) => x.dataset_id === id)!;
  return JSON.parse(await readFile(join(root, 'store', p.manifestKey), 'utf8')) as ReleaseManifest;
};

describe('a run with only gateway events configured', () => {
  it('warns once per absent source, naming the variables to set, and runs the jobs it can', () => {
    const absent = warnings.filter((w) => w.msg.startsWith('source absent')).map((w) => [w.fields!.source, w.fields!.set]);
    expect(absent).toEqual([
      ['naap', ['LPDATA_NAAP_URL']],
      ['prometheus', ['LPDATA_PROMETHEUS_URL']],
      ['subgraph', ['LPDATA_SUBGRAPH_URL']],
      ['chain', ['LPDATA_RPC_URL']],
      ['leaderboard', ['LPDATA_LEADERBOARD_URL', 'LPDATA_AI_LEADERBOARD_URL']],
      ['loadtest', ['LPDATA_LOADTESTS']],
    ]);
    expect(results.map((r) => r.job)).toEqual(['gateway_events.archive', 'reference.regions']);
    expect(results[0]!.rows).toBeGreaterThan(1000);
  });

  it('holds back the datasets that read only absent sources, rather than releasing them empty', () => {
    expect(out.held_back.map((h) => [h.dataset, h.reason, h.sources_absent.map((a) => a.source), h.latest_release_id])).toEqual([
      ['economics_fees_daily', 'source absent', ['chain'], null],
      ['economics_rounds', 'source absent', ['chain', 'subgraph'], null],
      ['leaderboard_explorer_daily', 'source absent', ['leaderboard'], null],
      ['leaderboard_scores_daily', 'source absent', ['leaderboard'], null],
      ['loadtest_requests', 'source absent', ['loadtest'], null],
      ['loadtest_runs', 'source absent', ['loadtest'], null],
      ['orchestrator_economics_daily', 'source absent', ['chain', 'subgraph'], null],
      ['probe_errors_daily', 'source absent', ['leaderboard'], null],
      ['probe_results_daily', 'source absent', ['leaderboard'], null],
      ['reconciliation_subgraph_chain_daily', 'source absent', ['chain', 'subgraph'], null],
    ]);
  });

  it('marks each released dataset with every absent source it reads, in the manifest and quality.json', async () => {
    // Orchestrator addresses come from the chain's service registry (core_orchestrator_uri_map).
    const live = await manifest('live_orchestrator_daily');
    expect(live.row_count).toBeGreaterThan(0);
    expect(live.source_coverage).toEqual([
      { source: 'chain', status: 'source absent', variables: ['LPDATA_RPC_URL'] },
      { source: 'gateway_events', status: 'present' },
      { source: 'reference', status: 'present' },
    ]);
    const p = out.published.find((x) => x.dataset_id === 'live_orchestrator_daily')!;
    const quality = JSON.parse(await readFile(join(root, 'store', p.manifestKey.replace('manifest.json', 'quality.json')), 'utf8'));
    expect(quality.source_coverage).toEqual(live.source_coverage);
    expect(quality.held_back).toHaveLength(10);
    expect((await manifest('workflow_traffic_daily')).source_coverage.filter((c) => c.status !== 'present').map((c) => c.source)).toEqual(['chain', 'loadtest', 'naap']);
    // A dataset fed by gateway events alone has nothing absent.
    expect((await manifest('gateway_event_families_hourly')).source_coverage).toEqual([{ source: 'gateway_events', status: 'present' }]);
  });

  it('records the held-back datasets in catalog.json', async () => {
    const catalog = JSON.parse(await readFile(join(root, 'store', 'catalog.json'), 'utf8'));
    expect(catalog.held_back.map((h: { dataset: string }) => h.dataset)).toEqual(out.held_back.map((h) => h.dataset));
    expect(catalog.datasets.map((d: { id: string }) => d.id)).not.toContain('economics_rounds');
  });
});
