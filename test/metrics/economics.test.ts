// Economics metrics on the embedded network: the chain and subgraph connectors run against their
// loopback peers, the economics models build over what they stored, and the published datasets
// recover the protocol plan's ground truth exactly (wei compared as integers). The subgraph agrees
// with the chain until one of its reward events is dropped from the raw snapshot.
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainJobs } from '../../jobs/chain/job.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { subgraphJobs } from '../../jobs/subgraph/index.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { startNetwork, type EmbeddedNetwork } from '../../network/index.ts';
import { builtFile } from '../built-file.ts';

process.env.LPDATA_LOG_LEVEL = 'error';
const log = logger({ test: 'economics' });
// Six orchestrators, four rounds; this seed misses a reward in the first (closed) and the last (open)
// round and changes one commission.
const WORLD = { seed: 'economics-truth', scale: 0.5, start: '2026-11-16', days: 1 };
const DATASETS = ['economics_fees_daily', 'orchestrator_economics_daily', 'economics_rounds', 'reconciliation_subgraph_chain_daily'];

let dir: string;
let net: EmbeddedNetwork;
let config: Config;

async function published<T>(dataset: string, select = '*'): Promise<T[]> {
  const path = builtFile(config.dataDir, 'published', dataset);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<T>(s.conn, `SELECT ${select} FROM read_parquet(${sqlString(path)})`);
  } finally {
    s.close();
  }
}

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-economics-'));
  net = await startNetwork({ dir: join(dir, 'network'), world: WORLD, log });
  config = { ...loadConfig({ LPDATA_DATA_DIR: join(dir, 'data') }), ...net.settings, endpoints: net.endpoints };
  await ingest([...chainJobs, ...subgraphJobs], config, net.world.window, log, new Date('2026-11-17T03:00:00Z'));
  await buildModels(config, net.world.window, log, DATASETS);
}, 180_000);

afterAll(async () => {
  await net?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface OrchestratorDay {
  day: unknown;
  orchestrator_address: string;
  winning_tickets: number;
  fees_wei: string;
  reward_calls: number;
  reward_wei: string;
  missed_reward_rounds: number;
  pending_reward_rounds: number;
  cut_changes: number;
  reward_cut_ppm: number | null;
  stake_wei: string;
  stake_source: string;
}

// Counts as INTEGER (JS numbers), wei as VARCHAR (exact integers as text).
const ORCH_DAY_COLUMNS = [
  'day, orchestrator_address, stake_source',
  'winning_tickets::INTEGER AS winning_tickets, reward_calls::INTEGER AS reward_calls, missed_reward_rounds::INTEGER AS missed_reward_rounds',
  'pending_reward_rounds::INTEGER AS pending_reward_rounds, cut_changes::INTEGER AS cut_changes, reward_cut_ppm::INTEGER AS reward_cut_ppm',
  'fees_wei::VARCHAR AS fees_wei, reward_wei::VARCHAR AS reward_wei, stake_wei::VARCHAR AS stake_wei',
].join(', ');

describe('economics on the embedded network', () => {
  it('recovers every orchestrator-day of the protocol truth exactly', async () => {
    const rows = await published<OrchestratorDay>('orchestrator_economics_daily', ORCH_DAY_COLUMNS);
    const byKey = new Map(rows.map((r) => [`${day(r.day)}/${r.orchestrator_address}`, r]));
    const truth = net.plan.truth.orchestratorDays;
    expect(truth.length).toBeGreaterThan(5);
    for (const t of truth) {
      const r = byKey.get(`${t.day}/${t.orchestrator}`);
      expect(r, `${t.day} ${t.orchestrator}`).toBeDefined();
      expect({ reward_wei: r!.reward_wei, reward_calls: r!.reward_calls, fees_wei: r!.fees_wei, winning_tickets: r!.winning_tickets }, `${t.day} ${t.orchestrator}`).toEqual({
        reward_wei: t.rewardWei.toString(),
        reward_calls: t.rewardCalls,
        fees_wei: t.feeWei.toString(),
        winning_tickets: t.winningTickets,
      });
      // The simulator ends the last round at the window end; the data cannot see it close, so its
      // misses are published as pending (see the round test below).
      expect(r!.missed_reward_rounds + r!.pending_reward_rounds, `${t.day} ${t.orchestrator} missed`).toBe(t.missedRounds);
    }
    // Nothing the truth does not have: a published row with activity has a truth row.
    const truthKeys = new Set(truth.map((t) => `${t.day}/${t.orchestrator}`));
    const extra = rows.filter((r) => (r.reward_calls > 0 || r.winning_tickets > 0 || r.missed_reward_rounds > 0 || r.pending_reward_rounds > 0) && !truthKeys.has(`${day(r.day)}/${r.orchestrator_address}`));
    expect(extra).toEqual([]);
  });

  it('recovers fees per gateway, orchestrator and day exactly', async () => {
    const rows = await published<{ day: unknown; gateway_address: string; orchestrator_address: string; winning_tickets: number; fees_wei: string }>(
      'economics_fees_daily',
      'day, gateway_address, orchestrator_address, winning_tickets::INTEGER AS winning_tickets, fees_wei::VARCHAR AS fees_wei',
    );
    const got = rows.map((r) => `${day(r.day)} ${r.gateway_address} ${r.orchestrator_address} ${r.winning_tickets} ${r.fees_wei}`).sort();
    const want = net.plan.truth.gatewayOrchestratorDays.map((t) => `${t.day} ${t.gateway} ${t.orchestrator} ${t.winningTickets} ${t.feeWei}`).sort();
    expect(want.length).toBeGreaterThan(5);
    expect(got).toEqual(want);
  });

  it('rolls daily fees up from their hourly parts, and orchestrator fees from the gateway rows', async () => {
    const build = (layer: string, name: string) => sqlString(builtFile(config.dataDir, layer, name));
    const files = [builtFile(config.dataDir, 'core', 'core_economics_fees_hourly'), ...['economics_fees_daily', 'orchestrator_economics_daily'].map((d) => builtFile(config.dataDir, 'published', d))];
    const s = await openSession({ allowedPaths: files });
    try {
      const diff = await queryRows(
        s.conn,
        `SELECT * FROM (SELECT day, gateway_address, orchestrator_address, sum(winning_tickets)::BIGINT AS t, sum(fees_wei) AS w FROM read_parquet(${build('core', 'core_economics_fees_hourly')}) GROUP BY ALL) AS h
         FULL OUTER JOIN (SELECT day, gateway_address, orchestrator_address, winning_tickets AS t, fees_wei AS w FROM read_parquet(${build('published', 'economics_fees_daily')})) AS d
         USING (day, gateway_address, orchestrator_address) WHERE h.t IS DISTINCT FROM d.t OR h.w IS DISTINCT FROM d.w`,
      );
      expect(diff).toEqual([]);
      const perOrchestrator = await queryRows(
        s.conn,
        `SELECT * FROM (SELECT day, orchestrator_address, sum(winning_tickets)::BIGINT AS t, sum(fees_wei) AS w FROM read_parquet(${build('published', 'economics_fees_daily')}) GROUP BY ALL) AS g
         FULL OUTER JOIN (SELECT day, orchestrator_address, winning_tickets AS t, fees_wei AS w FROM read_parquet(${build('published', 'orchestrator_economics_daily')}) WHERE winning_tickets > 0) AS o
         USING (day, orchestrator_address) WHERE g.t IS DISTINCT FROM o.t OR g.w IS DISTINCT FROM o.w`,
      );
      expect(perOrchestrator).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('counts each round’s active set, reward calls and misses as planned; only the open round has pending calls', async () => {
    const rows = await published<{ round: number; is_closed: boolean; active_rounds: number; rewarded_rounds: number; missed_reward_rounds: number; pending_reward_rounds: number; mintable_lpt: string }>(
      'economics_rounds',
      'round::INTEGER AS round, is_closed, active_rounds::INTEGER AS active_rounds, rewarded_rounds::INTEGER AS rewarded_rounds, missed_reward_rounds::INTEGER AS missed_reward_rounds, pending_reward_rounds::INTEGER AS pending_reward_rounds, mintable_lpt::VARCHAR AS mintable_lpt',
    );
    const plan = net.plan.rounds;
    expect(rows.map((r) => r.round)).toEqual(plan.map((p) => p.round));
    rows.forEach((r, i) => {
      const p = plan[i]!;
      expect(r.rewarded_rounds, `round ${p.round}`).toBe(p.rewarded.length);
      expect(r.missed_reward_rounds + r.pending_reward_rounds, `round ${p.round}`).toBe(p.missed.length);
      expect(r.active_rounds).toBe(p.rewarded.length + p.missed.length);
      expect(BigInt(r.mintable_lpt.replace('.', ''))).toBe(p.mintableWei);
      // Only the last round is open; every earlier miss is final.
      expect(r.is_closed).toBe(i < plan.length - 1);
      if (r.is_closed) expect(r.pending_reward_rounds).toBe(0);
    });
    expect(plan.slice(0, -1).some((p) => p.missed.length > 0)).toBe(true);
  });

  it('publishes the commission in force and each change the plan made', async () => {
    const rows = await published<OrchestratorDay>('orchestrator_economics_daily', ORCH_DAY_COLUMNS);
    const updates = net.plan.events.filter((e) => e.eventName === 'TranscoderUpdate');
    const changes = new Map<string, number>();
    const history = new Map<string, { day: string; cut: bigint; fee: bigint }[]>();
    for (const e of updates) {
      const o = String(e.args.transcoder).toLowerCase();
      const d = new Date(e.atMs).toISOString().slice(0, 10);
      const h = history.get(o) ?? [];
      const prev = h.at(-1);
      // The first update sets the commission; later ones that move either value are changes.
      if (prev && (prev.cut !== e.args.rewardCut || prev.fee !== e.args.feeShare)) changes.set(`${d}/${o}`, (changes.get(`${d}/${o}`) ?? 0) + 1);
      h.push({ day: d, cut: e.args.rewardCut as bigint, fee: e.args.feeShare as bigint });
      history.set(o, h);
    }
    expect(changes.size).toBeGreaterThan(0);
    for (const r of rows) {
      const key = `${day(r.day)}/${r.orchestrator_address}`;
      expect(r.cut_changes, key).toBe(changes.get(key) ?? 0);
      const inForce = (history.get(r.orchestrator_address) ?? []).filter((h) => h.day <= day(r.day)).at(-1);
      expect(r.reward_cut_ppm === null ? null : BigInt(r.reward_cut_ppm), key).toBe(inForce ? inForce.cut : null);
    }
  });

  it('carries stake from the subgraph pools to the end of the window, equal to the subgraph Transcoder.totalStake', async () => {
    const rows = await published<OrchestratorDay>('orchestrator_economics_daily', ORCH_DAY_COLUMNS);
    const lastDay = rows.map((r) => day(r.day)).sort().at(-1)!;
    const snapshots = readdirSync(join(config.dataDir, 'raw', 'subgraph', 'transcoders'));
    expect(snapshots).toHaveLength(1);
    const records = gunzipSync(await readFile(join(config.dataDir, 'raw', 'subgraph', 'transcoders', snapshots[0]!, 'records.ndjson.gz')))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; totalStake: string });
    expect(records.length).toBeGreaterThan(5);
    // The snapshot is at the chain head, after every planned event.
    const toWei = (d: string) => {
      const [i, f = ''] = d.split('.');
      return BigInt(i!) * 10n ** 18n + BigInt(f.padEnd(18, '0'));
    };
    for (const t of records) {
      const r = rows.find((x) => day(x.day) === lastDay && x.orchestrator_address === t.id);
      expect(r, t.id).toBeDefined();
      expect(BigInt(r!.stake_wei), t.id).toBe(toWei(t.totalStake));
    }
    expect(rows.filter((r) => day(r.day) === lastDay).every((r) => r.stake_source === 'subgraph_pool')).toBe(true);
  });
});

describe('subgraph vs chain reconciliation', () => {
  it('matches on the embedded network, and flags the orchestrator-day whose subgraph reward event is dropped', async () => {
    type Rec = { day: unknown; orchestrator_address: string; status: string; reward_diff_wei: string; unmatched_events: number; fees_diff_wei: string };
    const columns = 'day, orchestrator_address, status, reward_diff_wei::VARCHAR AS reward_diff_wei, unmatched_events::INTEGER AS unmatched_events, fees_diff_wei::VARCHAR AS fees_diff_wei';
    const before = await published<Rec>('reconciliation_subgraph_chain_daily', columns);
    expect(before.length).toBeGreaterThan(5);
    expect(before.filter((r) => r.status !== 'matched')).toEqual([]);

    // Drop the first reward event of the first day's subgraph partition, as an indexer gap would.
    const partition = join(config.dataDir, 'raw', 'subgraph', 'rewardEvents', 'date=2026-11-16', 'records.ndjson.gz');
    const lines = gunzipSync(await readFile(partition)).toString('utf8').split('\n').filter(Boolean);
    const dropped = JSON.parse(lines[0]!) as { timestamp: number; delegate: { id: string }; rewardTokens: string };
    await writeFile(partition, gzipSync(lines.slice(1).join('\n') + '\n'));
    await buildModels(config, net.world.window, log, ['reconciliation_subgraph_chain_daily']);

    const after = await published<Rec>('reconciliation_subgraph_chain_daily', columns);
    const key = `${new Date(dropped.timestamp * 1000).toISOString().slice(0, 10)}/${dropped.delegate.id}`;
    const bad = after.filter((r) => r.status === 'mismatched');
    expect(bad.map((r) => `${day(r.day)}/${r.orchestrator_address}`)).toEqual([key]);
    const [i, f = ''] = dropped.rewardTokens.split('.');
    expect(BigInt(bad[0]!.reward_diff_wei)).toBe(-(BigInt(i!) * 10n ** 18n + BigInt(f.padEnd(18, '0'))));
    expect(bad[0]!.unmatched_events).toBe(1);
    expect(bad[0]!.fees_diff_wei).toBe('0');
  });
});
