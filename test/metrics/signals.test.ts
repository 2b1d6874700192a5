// Operational signals and cohort baselines on the embedded network: missed reward calls and large
// commission changes are exactly the ones the protocol plan made; baselines are consistent.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { selectJobs } from '../../jobs/registry.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { allMetrics, loadRegistry } from '../../lib/metrics.ts';
import { METRICS_DIR } from '../../lib/paths.ts';
import { startNetwork, type EmbeddedNetwork } from '../../network/index.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'signals' });
let dir: string;
let net: EmbeddedNetwork;
let dataDir: string;

async function rows<T>(model: string, sql: string): Promise<T[]> {
  const path = builtFile(dataDir, 'published', model);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<T>(s.conn, sql.replace('$T', `read_parquet(${sqlString(path)})`));
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-signals-'));
  net = await startNetwork({ dir: join(dir, 'network'), world: { seed: 'signals', scale: 0.5 }, log });
  dataDir = join(dir, 'data');
  const config = { ...loadConfig({ LPDATA_DATA_DIR: dataDir }), ...net.settings, endpoints: net.endpoints };
  await ingest(selectJobs(['gateway_events', 'chain', 'subgraph', 'reference']), config, net.world.window, log);
  await buildModels(config, net.world.window, log, ['operational_signals_daily', 'orchestrator_baselines_daily', 'orchestrator_health_daily']);
}, 180_000);

afterAll(async () => {
  await net?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('operational signals', () => {
  it('flag exactly the reward calls the plan missed in closed rounds, with a reason', async () => {
    const last = Math.max(...net.plan.rounds.map((r) => r.round));
    const want = net.plan.rounds.filter((r) => r.round !== last).flatMap((r) => r.missed.map((o) => `${o} | round ${r.round}`)).sort();
    const got = await rows<{ subject: string; reason: string }>('operational_signals_daily', "SELECT subject, reason FROM $T WHERE signal = 'missed_reward_call' ORDER BY subject");
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((g) => g.subject)).toEqual(want);
    for (const g of got) expect(g.reason).toMatch(/^active in round \d+ but did not call reward\(\)$/);
  });

  it('flag every commission change of 10 points or more the plan made, and no other', async () => {
    const updates = net.plan.events.filter((e) => e.eventName === 'TranscoderUpdate');
    const previous = new Map<string, [bigint, bigint]>();
    const want: string[] = [];
    for (const u of updates) {
      const who = String(u.args.transcoder);
      const now: [bigint, bigint] = [BigInt(u.args.rewardCut!), BigInt(u.args.feeShare!)];
      const before = previous.get(who);
      if (before && (abs(now[0] - before[0]) >= 100000n || abs(now[1] - before[1]) >= 100000n)) want.push(who);
      previous.set(who, now);
    }
    const got = await rows<{ orchestrator_address: string }>('operational_signals_daily', "SELECT orchestrator_address FROM $T WHERE signal = 'commission_change' ORDER BY 1");
    expect(got.map((g) => g.orchestrator_address)).toEqual(want.sort());
  });
});

describe('cohort baselines', () => {
  it('put every orchestrator against the median of its cohort, positions within (0, 1]', async () => {
    const bad = await rows<{ n: bigint }>(
      'orchestrator_baselines_daily',
      `SELECT count(*) AS n FROM $T WHERE cohort_orchestrators < 1 OR startup_success_rate_position <= 0 OR startup_success_rate_position > 1
         OR (cohort_orchestrators = 1 AND startup_success_rate IS NOT NULL AND cohort_p50_startup_success_rate <> startup_success_rate)`,
    );
    expect(Number(bad[0]!.n)).toBe(0);
    const [c] = await rows<{ n: bigint; orchs: bigint }>('orchestrator_baselines_daily', 'SELECT count(*) AS n, count(DISTINCT orchestrator_address) AS orchs FROM $T');
    expect(Number(c!.orchs)).toBe(net.world.orchestrators.length);
  });
});

describe('health flags', () => {
  it('apply the registry thresholds to every thresholded live metric, and say insufficient_data for no value', async () => {
    const thresholds = new Map(allMetrics(loadRegistry(METRICS_DIR)).filter((m) => m.thresholds).map((m) => [m.id, m]));
    const got = await rows<{ metric: string; value: number | null; health: string }>('orchestrator_health_daily', 'SELECT metric, value, health FROM $T');
    expect(got.length).toBeGreaterThan(0);
    const expected = (id: string, v: number | null) => {
      const m = thresholds.get(id)!;
      if (v === null) return 'insufficient_data';
      const better = (a: number, b: number) => (m.direction === 'lower_is_better' ? a <= b : a >= b);
      return better(v, m.thresholds!.healthy) ? 'healthy' : better(v, m.thresholds!.degraded) ? 'degraded' : 'unhealthy';
    };
    for (const r of got) expect(r.health, `${r.metric}=${r.value}`).toBe(expected(r.metric, r.value));
    expect(new Set(got.map((r) => r.metric))).toEqual(new Set([...thresholds.values()].filter((m) => m.datasets.includes('live_orchestrator_daily')).map((m) => m.id)));
  });
});

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}
