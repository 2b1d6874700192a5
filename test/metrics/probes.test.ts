// Probe metrics on the embedded network: probe_results_daily recovers the probe rows the embedded
// leaderboard serves (network/leaderboard/probes.ts) exactly, per day, orchestrator, tester region
// and workflow, and probe_errors_daily adds up to it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboardJobs } from '../../jobs/leaderboard/jobs.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { DAY_MS } from '../../lib/time.ts';
import type { ProbeRow } from '../../network/leaderboard/probes.ts';
import { percentileCont } from '../../network/leaderboard/scoring.ts';
import { startLeaderboard } from '../../network/leaderboard/server.ts';
import { createWorld, WORKFLOWS } from '../../network/world.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'metrics-probes' });
const WORLD = { seed: 'metrics-probes', scale: 0.5, start: '2026-11-16', days: 1 };
const FETCHED_AT = new Date('2026-11-17T03:00:00Z');

type Row = Record<string, unknown>;

let dir: string;
let probes: ProbeRow[];
let results: Row[];
let errors: Row[];

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

async function read(dataDir: string, name: string): Promise<Row[]> {
  const path = builtFile(dataDir, 'published', name);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<Row>(s.conn, `SELECT * FROM read_parquet(${sqlString(path)})`);
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-metrics-probes-'));
  const dataDir = join(dir, 'data');
  // Only the leaderboard peer is needed: the world and its probe simulation, served over HTTP.
  const world = createWorld(WORLD);
  const lb = await startLeaderboard(world);
  try {
    const base = loadConfig({ LPDATA_DATA_DIR: dataDir });
    const config = { ...base, endpoints: { ...base.endpoints, leaderboard: lb.url, aiLeaderboard: lb.url } };
    await ingest(leaderboardJobs, config, world.window, log, FETCHED_AT);
    await buildModels(config, world.window, log, ['probe_results_daily', 'probe_errors_daily']);
    probes = lb.probes;
  } finally {
    await lb.stop();
  }
  results = await read(dataDir, 'probe_results_daily');
  errors = await read(dataDir, 'probe_errors_daily');
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The workflow slug the simulator behind a display name used, independent of the model's normalisation. */
function slugOf(p: ProbeRow): string {
  if (p.jobType === 'transcoding') return 'transcoding';
  const w = WORKFLOWS.find((x) => x.displayName === p.stats.pipeline && x.model === p.stats.model);
  if (!w) throw new Error(`no workflow for ${String(p.stats.pipeline)}`);
  return w.pipeline;
}

interface Group {
  n: number;
  success: number;
  rtt: number;
  samples: number[];
  errors: number;
}

function truthGroups(): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const p of probes) {
    // The leaderboard (and the connector's daily queries) date a probe by its insert time.
    const day = new Date(Math.floor(p.eventTimeMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    const k = [day, p.orchestrator, p.region, p.jobType, slugOf(p), String(p.stats.model ?? '')].join('|');
    const g = out.get(k) ?? { n: 0, success: 0, rtt: 0, samples: [], errors: 0 };
    const sr = Number(p.stats.success_rate);
    const rtt = Number(p.stats.round_trip_time ?? 0);
    g.n++;
    g.success += sr;
    g.rtt += rtt;
    if (sr === 1 && rtt !== 0) g.samples.push(rtt);
    for (const e of (p.stats.errors as { count?: number }[]) ?? []) g.errors += e.count ?? 1;
    out.set(k, g);
  }
  return out;
}

const keyOf = (r: Row) => [dayOf(r.day), r.orchestrator_address, r.region, r.job_type, r.pipeline, r.model].join('|');

describe('probe results recover the embedded leaderboard probe rows', () => {
  it('one row per day x orchestrator x region x workflow, with exact probe and success counts', () => {
    const truth = truthGroups();
    expect(results.length).toBe(truth.size);
    expect(results.some((r) => r.job_type === 'ai') && results.some((r) => r.job_type === 'transcoding')).toBe(true);
    for (const r of results) {
      const t = truth.get(keyOf(r));
      expect(t, keyOf(r)).toBeDefined();
      expect(num(r.probe_count), keyOf(r)).toBe(t!.n);
      expect(num(r.probe_success_sum)!, keyOf(r)).toBeCloseTo(t!.success, 9);
      expect(num(r.probe_success_rate)!, keyOf(r)).toBeCloseTo(t!.success / t!.n, 12);
      expect(num(r.probe_error_count), keyOf(r)).toBe(t!.errors);
    }
  });

  it('round-trip time: mean over all probes, percentiles over full successes, to 1e-9', () => {
    const truth = truthGroups();
    for (const r of results) {
      const t = truth.get(keyOf(r))!;
      expect(num(r.probe_rtt_mean_s)!, keyOf(r)).toBeCloseTo(t.rtt / t.n, 9);
      expect(num(r.probe_rtt_sample_count), keyOf(r)).toBe(t.samples.length);
      if (t.samples.length === 0) {
        expect([r.probe_rtt_p50_s, r.probe_rtt_p95_s], keyOf(r)).toEqual([null, null]);
        continue;
      }
      expect(num(r.probe_rtt_p50_s)!, keyOf(r)).toBeCloseTo(percentileCont(t.samples, 0.5)!, 9);
      expect(num(r.probe_rtt_p95_s)!, keyOf(r)).toBeCloseTo(percentileCont(t.samples, 0.95)!, 9);
    }
  });

  it('error counts by code add up to the per-row totals, and no code carries a URL', () => {
    const sums = new Map<string, number>();
    for (const e of errors) sums.set(keyOf(e), (sums.get(keyOf(e)) ?? 0) + num(e.probe_error_count)!);
    for (const r of results) expect(sums.get(keyOf(r)) ?? 0, keyOf(r)).toBe(num(r.probe_error_count));
    const codes = new Set(errors.map((e) => String(e.error_code)));
    expect(codes.has('client_timeout')).toBe(true);
    expect([...codes].filter((c) => /[/:\s"]/.test(c))).toEqual([]);
  });
});
