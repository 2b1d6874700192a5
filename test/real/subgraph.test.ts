// Recorded subgraph entities served by the embedded subgraph server (graphql-yoga on the real
// schema.graphql, graph-node's query layer) to the subgraph connector, then its staging model.
// - livepeer-events/orchInfo.json: one Transcoder as the subgraph returned it in April 2022, with
//   its last reward Round and its four Delegators.
// - livepeer-explorer/historical-usage.ts: 551 Day entities (2022-02-15 .. 2023-08-20).
// Both were queried under an older schema with fewer fields: what the current schema requires and
// the sample lacks is filled with zero and never asserted; what the sample has and the schema no
// longer knows is listed below, so a schema change that drops or adds one is seen.
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphJobs } from '../../jobs/subgraph/index.ts';
import { buildModels } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { parseWindow } from '../../lib/time.ts';
import { BigDecimal } from '../../network/subgraph/decimal.ts';
import type { EntityModel } from '../../network/subgraph/model.ts';
import { buildSubgraph, serveSubgraph, type SubgraphServer } from '../../network/subgraph/server.ts';
import type { EntityData, Value } from '../../network/subgraph/store.ts';
import { lineOf, readBuilt, readRaw, realJson, realText, TempDirs } from './harness.ts';

const DAYS = 'livepeer-explorer/historical-usage.ts';
const ORCH = 'livepeer-events/orchInfo.json';
// The head the server reports: the day after the last recorded Day (the entities are saved at block 1).
const HEAD = { number: 1, hash: `0x${'ab'.repeat(32)}`, timestamp: Date.parse('2023-08-21T00:00:00Z') / 1000 };
const WINDOW = parseWindow('2023-08-20', '2023-08-21');

type Sample = Record<string, unknown>;

/** A recorded entity as the store holds it: values typed by the schema, references by id. */
function toEntity(model: EntityModel, type: string, sample: Sample): { data: EntityData; dropped: string[]; filled: string[] } {
  const t = model.types.get(type)!;
  const data: EntityData = { id: String(sample.id) };
  const dropped: string[] = [];
  const filled: string[] = [];
  for (const [k, v] of Object.entries(sample)) {
    const f = t.field.get(k);
    if (!f || f.derivedFrom) {
      if (k !== 'id') dropped.push(k);
      continue;
    }
    if (k === 'id') continue;
    const text = f.kind === 'entity' ? String((v as Sample).id) : String(v);
    data[k] = f.kind !== 'scalar' ? text : f.typeName === 'BigInt' ? BigInt(text) : f.typeName === 'BigDecimal' ? BigDecimal.parse(text) : f.typeName === 'Int' ? Number(text) : f.typeName === 'Boolean' ? v === true : text;
  }
  const zero: Record<string, Value> = { BigInt: 0n, BigDecimal: BigDecimal.ZERO, Int: 0, Boolean: false };
  for (const f of t.fields) {
    if (f.derivedFrom || !f.nonNull || f.name in data) continue;
    data[f.name] = f.list ? [] : (zero[f.typeName] ?? '');
    filled.push(f.name);
  }
  return { data, dropped: dropped.sort(), filled: filled.sort() };
}

/** historical-usage.ts is a TypeScript module holding one array literal. */
const dayRecords = runInNewContext(`(${realText(DAYS).replace(/^export const historicalDayData =/, '').trim().replace(/;$/, '')})`, Object.create(null), { timeout: 1000 }) as Sample[];
const orch = realJson<Sample & { lastRewardRound: Sample; delegators: Sample[] }>(ORCH);

const dirs = new TempDirs();
let server: SubgraphServer;
let dataDir: string;
const dropped: Record<string, string[]> = {};
const filled: Record<string, string[]> = {};

beforeAll(async () => {
  const built = buildSubgraph([], { head: HEAD });
  const { store, model } = built.source;
  const save = (type: string, sample: Sample) => {
    const e = toEntity(model, type, sample);
    store.save(type, e.data, 1);
    dropped[type] = [...new Set([...(dropped[type] ?? []), ...e.dropped])].sort();
    filled[type] = [...new Set([...(filled[type] ?? []), ...e.filled])].sort();
  };
  save('Round', orch.lastRewardRound);
  save('Transcoder', orch);
  for (const d of orch.delegators) save('Delegator', { ...d, delegate: { id: orch.id } });
  // The schema's Day id is the day number (timestamp / 86400); the explorer merged in an id of its own.
  for (const d of dayRecords) save('Day', { ...d, id: String(Number(d.date) / 86400) });
  server = await serveSubgraph(built);
  dataDir = await dirs.make('subgraph');
  const config = loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_SUBGRAPH_URL: server.url });
  const ctx = { config, window: WINDOW, log: logger({ test: 'real-subgraph' }), fetchedAt: new Date('2023-08-21T06:00:00Z') };
  for (const j of subgraphJobs.filter((j) => j.entity === 'transcoders' || j.entity === 'days')) await j.run(ctx);
  await buildModels(config, WINDOW, ctx.log, ['stg_subgraph_transcoders']);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await dirs.removeAll();
});

describe('recorded subgraph entities through the subgraph connector', () => {
  it('names what the old samples hold that the current schema does not', () => {
    // pendingRewardCut/pendingFeeShare left the schema; lastGet is the dump's own fetch time.
    expect(dropped.Transcoder).toEqual(['delegators', 'lastGet', 'pendingFeeShare', 'pendingRewardCut']);
    // The explorer merged Livepeer's usage API (minutes, segments, streams) into its Day records.
    expect(dropped.Day).toEqual(['__typename', 'minutes', 'sourceSegments', 'sourceSegmentsDuration', 'streamCount', 'transcodedSegments', 'transcodedSegmentsDuration']);
    expect(filled.Day).toEqual(['numActiveTranscoders', 'totalActiveStake', 'totalSupply']);
  });

  it('stores the transcoder with nothing quarantined, its values as recorded', async () => {
    const raw = await readRaw(dataDir, 'subgraph', 'transcoders');
    expect(raw.quarantine).toEqual([]);
    expect(raw.manifests.map((m) => [m.partition, m.rows, m.quarantined])).toEqual([['block=1', 1, 0]]);
    // orchInfo.json lines 2-28.
    expect(lineOf(ORCH, '"serviceURI": "https://lpt.4v1.in:8935"')).toBe(28);
    expect(raw.records[0]).toMatchObject({
      id: '0x1a196b031ea1a74a53ecbe6148772648e02f9d51',
      activationRound: '2467',
      deactivationRound: '57896044618658097711785492504343953926634992332820282019728792003956564819967',
      active: true,
      status: 'Registered',
      lastRewardRound: { id: '2535' },
      rewardCut: '2500',
      feeShare: '100000',
      totalStake: '10359.571442424819689212',
      serviceURI: 'https://lpt.4v1.in:8935',
      delegator: { id: '0x1a196b031ea1a74a53ecbe6148772648e02f9d51' },
    });
  });

  it('types the transcoder: commission in ppm, exact stake, the active sentinel as no deactivation', async () => {
    const rows = await readBuilt(dataDir, 'staging', 'stg_subgraph_transcoders', '* REPLACE (total_stake_lpt::varchar AS total_stake_lpt, total_stake_wei::varchar AS total_stake_wei)');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      orchestrator_address: '0x1a196b031ea1a74a53ecbe6148772648e02f9d51',
      active: true,
      status: 'Registered',
      activation_round: 2467n,
      // 2^255 - 1 while active: not a round.
      deactivation_round: null,
      last_reward_round: 2535n,
      reward_cut_ppm: 2500n,
      fee_share_ppm: 100000n,
      total_stake_lpt: '10359.571442424819689212',
      total_stake_wei: '10359571442424819689212',
      service_uri: 'https://lpt.4v1.in:8935',
    });
  });

  it('stores all 551 recorded days with nothing quarantined, values as recorded', async () => {
    const raw = await readRaw(dataDir, 'subgraph', 'days');
    expect(raw.quarantine).toEqual([]);
    expect(raw.records).toHaveLength(551);
    const byDate = new Map(raw.records.map((r) => [r.date as number, r]));
    expect(Math.min(...byDate.keys())).toBe(Date.parse('2022-02-15T00:00:00Z') / 1000);
    expect(Math.max(...byDate.keys())).toBe(Date.parse('2023-08-20T00:00:00Z') / 1000);
    // historical-usage.ts lines 2-12: the first day, with a 34-digit BigDecimal kept to the last digit.
    expect(lineOf(DAYS, 'date: 1644883200')).toBe(4);
    expect(byDate.get(1644883200)).toMatchObject({
      id: '19038',
      volumeUSD: '1308.959800072059465708113696683184',
      volumeETH: '0.41967066888',
      participationRate: '0.4261885048357987987338776915114824',
      inflation: '219500',
      activeTranscoderCount: '45',
      delegatorsCount: '3520',
    });
    // Every recorded volume survives the round trip as the same decimal text.
    const recorded = dayRecords.map((d) => `${d.date}|${d.volumeETH}|${d.volumeUSD}|${d.participationRate}`).sort();
    expect(raw.records.map((r) => `${r.date}|${r.volumeETH}|${r.volumeUSD}|${r.participationRate}`).sort()).toEqual(recorded);
  });
});
