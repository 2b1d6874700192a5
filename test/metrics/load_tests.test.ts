// AI batch and load-test metrics on the embedded network: ai_batch_daily recovers the simulator's
// batch requests (BatchRequestTruth), loadtest_runs recovers each bundle's own outcome summary, and
// workflow_traffic_daily keeps organic and synthetic traffic apart while equalling both.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { loadtestJob } from '../../jobs/loadtest/bundles.ts';
import type { RequestRecord, Summary } from '../../jobs/loadtest/summary.ts';
import { naapJobs } from '../../jobs/naap/jobs.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { DAY_MS } from '../../lib/time.ts';
import type { BatchRequestTruth } from '../../network/activity.ts';
import { startNetwork } from '../../network/index.ts';
import { percentileCont } from '../../network/leaderboard/scoring.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'metrics-load-tests' });
const WORLD = { seed: 'metrics-load-tests', scale: 0.5, start: '2026-11-16', days: 1 };
const FETCHED_AT = new Date('2026-11-17T03:00:00Z');

type Row = Record<string, unknown>;

let dir: string;
let dataDir: string;
let batchTruth: BatchRequestTruth[];
interface BundleManifest {
  run_id: string;
  vantage_region: string;
  plan: { sha256: string };
  inputs: { pool_id: string }[];
  summary: Summary;
}

let bundles: { manifest: BundleManifest; records: RequestRecord[] }[];
const tables: Record<string, Row[]> = {};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const day = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

async function read(name: string): Promise<Row[]> {
  const path = builtFile(dataDir, 'published', name);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<Row>(s.conn, `SELECT * FROM read_parquet(${sqlString(path)})`);
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-metrics-lt-'));
  dataDir = join(dir, 'data');
  const net = await startNetwork({ dir: join(dir, 'network'), world: WORLD, log });
  try {
    const config = { ...loadConfig({ LPDATA_DATA_DIR: dataDir }), ...net.settings, endpoints: net.endpoints };
    const jobs = [gatewayEventsJob, ...naapJobs.filter((j) => j.name === 'naap.ai_batch_jobs'), loadtestJob];
    await ingest(jobs, config, net.world.window, log, FETCHED_AT);
    await buildModels(config, net.world.window, log, ['ai_batch_daily', 'workflow_traffic_daily', 'loadtest_runs']);
    const { from, to } = net.world.window;
    batchTruth = net.activity.batch.filter((b) => b.atMs + b.durationMs >= from && b.atMs + b.durationMs < to);
    const runs = join(net.dir, 'loadtests', 'runs');
    bundles = readdirSync(runs).sort().map((id) => ({
      manifest: JSON.parse(readFileSync(join(runs, id, 'manifest.json'), 'utf8')) as BundleManifest,
      records: readFileSync(join(runs, id, 'requests.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RequestRecord),
    }));
  } finally {
    await net.stop();
  }
  for (const t of ['ai_batch_daily', 'workflow_traffic_daily', 'loadtest_runs']) tables[t] = await read(t);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('AI batch requests recover the simulator ground truth', () => {
  // NaaP rows carry the simulator's durations verbatim, so counts must match exactly and latencies to
  // floating-point noise (1e-9 relative); any difference would be an attribution or dating error.
  it('per day, orchestrator and workflow: requests and successes exactly, latency mean/p50/p95 within 1e-9', () => {
    const truth = new Map<string, { n: number; ok: number; lat: number[] }>();
    for (const b of batchTruth) {
      const k = [day(b.atMs + b.durationMs), b.orchestrator.toLowerCase(), b.pipeline, b.model].join('|');
      const g = truth.get(k) ?? { n: 0, ok: 0, lat: [] };
      g.n++;
      if (b.success) {
        g.ok++;
        g.lat.push(b.durationMs);
      }
      truth.set(k, g);
    }
    const rows = tables.ai_batch_daily!;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.attribution_status === 'resolved')).toBe(true);
    expect(rows.length).toBe(truth.size);
    for (const r of rows) {
      const k = [dayOf(r.day), r.orchestrator_address, r.pipeline, r.model].join('|');
      const t = truth.get(k);
      expect(t, k).toBeDefined();
      expect(num(r.batch_requests), k).toBe(t!.n);
      expect(num(r.batch_successes), k).toBe(t!.ok);
      expect(num(r.batch_success_rate)!, k).toBeCloseTo(t!.ok / t!.n, 12);
      expect(num(r.batch_latency_samples), k).toBe(t!.lat.length);
      if (t!.lat.length === 0) {
        expect(r.batch_latency_p50_ms, k).toBeNull();
        continue;
      }
      const mean = t!.lat.reduce((s, x) => s + x, 0) / t!.lat.length;
      for (const [col, want] of [['batch_latency_mean_ms', mean], ['batch_latency_p50_ms', percentileCont(t!.lat, 0.5)!], ['batch_latency_p95_ms', percentileCont(t!.lat, 0.95)!]] as const) {
        expect(Math.abs(num(r[col])! - want) / want, `${k} ${col}`).toBeLessThan(1e-9);
      }
    }
  });
});

describe('load-test runs', () => {
  it('recover each bundle manifest summary: outcome counts, success rate and latency percentiles', () => {
    const rows = tables.loadtest_runs!;
    expect(rows.length).toBe(bundles.length);
    expect(rows.length).toBeGreaterThan(0);
    for (const { manifest: m } of bundles) {
      const r = rows.find((x) => x.run_id === m.run_id)!;
      expect(r, m.run_id).toBeDefined();
      const s = m.summary;
      expect(num(r.traffic_requests)).toBe(s.requests);
      expect(num(r.traffic_successes)).toBe(s.outcomes.passed);
      expect(num(r.traffic_failed_requests)).toBe(s.outcomes.failed);
      expect(num(r.loadtest_deferred_busy_requests)).toBe(s.outcomes.deferred_busy);
      expect(num(r.loadtest_deferred_indeterminate_requests)).toBe(s.outcomes.deferred_indeterminate);
      expect(num(r.traffic_unscored_requests)).toBe(s.outcomes.unscored);
      expect(r.plan_sha256).toBe(m.plan.sha256);
      expect(r.vantage_region).toBe(m.vantage_region);
      expect(r.input_pool_ids).toEqual(m.inputs.map((i) => i.pool_id));
      // The runner rounds its summary: rates to 6 decimals, latencies to 3.
      for (const [col, want, digits] of [['traffic_success_rate', s.success_rate, 6], ['traffic_success_rate_ci_low', s.success_rate_ci_low, 6], ['traffic_success_rate_ci_high', s.success_rate_ci_high, 6], ['traffic_latency_p50_ms', s.latency_p50_ms, 3], ['traffic_latency_p95_ms', s.latency_p95_ms, 3]] as const) {
        if (want === null) expect(r[col], `${m.run_id} ${col}`).toBeNull();
        else expect(Math.abs(num(r[col])! - want), `${m.run_id} ${col}`).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
      }
    }
  });
});

describe('workflow traffic keeps organic and synthetic apart', () => {
  it('organic rows equal ai_batch_daily, synthetic rows equal the bundles, per day x orchestrator x workflow', () => {
    const traffic = tables.workflow_traffic_daily!;
    const key = (r: Row) => [dayOf(r.day), r.orchestrator_address ?? '', r.pipeline, r.model].join('|');
    const organic = new Map<string, { n: number; ok: number }>();
    for (const r of tables.ai_batch_daily!) {
      const g = organic.get(key(r)) ?? { n: 0, ok: 0 };
      g.n += num(r.batch_requests)!;
      g.ok += num(r.batch_successes)!;
      organic.set(key(r), g);
    }
    const synthetic = new Map<string, { n: number; scored: number; ok: number; deferred: number }>();
    for (const { records } of bundles) {
      for (const q of records) {
        const k = [day(q.completed_at_ms ?? q.sent_at_ms), q.orchestrator ?? '', q.pipeline, q.model].join('|');
        const g = synthetic.get(k) ?? { n: 0, scored: 0, ok: 0, deferred: 0 };
        g.n++;
        if (q.outcome === 'passed' || q.outcome === 'failed') g.scored++;
        if (q.outcome === 'passed') g.ok++;
        if (q.outcome.startsWith('deferred')) g.deferred++;
        synthetic.set(k, g);
      }
    }
    const byClass = (c: string) => traffic.filter((r) => r.traffic_class === c);
    expect(byClass('organic').length).toBe(organic.size);
    expect(byClass('synthetic').length).toBe(synthetic.size);
    expect(synthetic.size).toBeGreaterThan(1);
    for (const r of byClass('organic')) {
      const g = organic.get(key(r))!;
      expect([num(r.traffic_requests), num(r.traffic_successes), num(r.traffic_deferred_requests)], key(r)).toEqual([g.n, g.ok, 0]);
    }
    for (const r of byClass('synthetic')) {
      const g = synthetic.get(key(r))!;
      expect([num(r.traffic_requests), num(r.traffic_scored_requests), num(r.traffic_successes), num(r.traffic_deferred_requests)], key(r)).toEqual([g.n, g.scored, g.ok, g.deferred]);
      // Deferred requests never count against the rate.
      if (g.scored > 0) expect(num(r.traffic_success_rate)!).toBeCloseTo(g.ok / g.scored, 12);
      else expect(r.traffic_success_rate).toBeNull();
    }
    // Load tests and organic requests meet on the same orchestrator and workflow.
    const both = byClass('synthetic').filter((s) => byClass('organic').some((o) => key(o) === key(s)));
    expect(both.length).toBeGreaterThan(0);
  });
});
