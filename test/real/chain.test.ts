// Real Arbitrum One logs (stronk-dev/LivepeerEvents dumps) replayed on anvil at the real proxy
// addresses and pulled by the chain connector, then typed by the chain staging models.
// events.json holds 4,491 decoded BondingManager events in 2,098 transactions (no blocks, no raw
// bytes): each is encoded again with the real ABI, one transaction per real transaction, in file
// order. rawevents.json holds 7 of them as raw logs, so the replay is checked byte for byte against
// those; rounds.json's NewRound is replayed at the RoundsManager. Block numbers and times are the
// replay's own (the dumps do not carry them for every log), and so are transaction hashes (anvil
// hashes the replaying transaction); values, order and log bytes are real.
import type { AbiEvent } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS, type ContractName } from '../../jobs/chain/abis.ts';
import { chainJobs } from '../../jobs/chain/job.ts';
import type { JobResult } from '../../jobs/job.ts';
import { buildModels } from '../../jobs/pipeline.ts';
import { logger } from '../../lib/log.ts';
import { ms, parseWindow } from '../../lib/time.ts';
import type { Anvil } from '../../network/chain/anvil.ts';
import { encodePlannedEvent } from '../../network/chain/mine.ts';
import type { PlannedEvent } from '../../network/protocol.ts';
import type { Address } from '../../network/world.ts';
import { chainConfig, lineOf, parseDump, readBuilt, readRaw, realJson, replayOnAnvil, TempDirs, type DumpedLog } from './harness.ts';

const EVENTS = 'livepeer-events/events.json';
// The week the L2 BondingManager went live; the replay's first block follows this genesis.
const WINDOW = parseWindow('2022-02-11', '2022-02-18');
const SENDER = '0x00000000000000000000000000000000000a11ce' as Address;

interface Exported {
  transactionHash: string;
  name: string;
  data: Record<string, string>;
}

const exported = realJson<Exported[]>(EVENTS);
const rawLogs = parseDump('livepeer-events/rawevents.json');
const [newRound] = parseDump('livepeer-events/rounds.json') as [DumpedLog];

/** Decoded values back to the types the ABI encoder takes: uints as bigint, addresses lowercase. */
function typedArgs(contract: ContractName, event: string, values: Record<string, string>): Record<string, bigint | string> {
  const abi = (CONTRACTS[contract].events as readonly AbiEvent[]).find((e) => e.name === event);
  if (!abi) throw new Error(`${contract} has no event ${event}`);
  return Object.fromEntries(abi.inputs.map((i) => {
    const v = values[i.name!];
    if (v === undefined) throw new Error(`${event} without ${i.name}`);
    return [i.name!, i.type.startsWith('uint') ? BigInt(v) : i.type === 'address' || i.type.startsWith('bytes') ? v.toLowerCase() : v];
  }));
}

/** Every exported event, one second (one block) per real transaction, then the NewRound. */
function replayPlan(): PlannedEvent[] {
  const plan: PlannedEvent[] = [];
  let second = WINDOW.from / 1000;
  let tx = '';
  for (const e of exported) {
    if (e.transactionHash !== tx) (tx = e.transactionHash), second++;
    plan.push({ atMs: ms(second * 1000), contract: 'BondingManager', eventName: e.name, args: typedArgs('BondingManager', e.name, e.data), from: SENDER });
  }
  plan.push({ atMs: ms((second + 1) * 1000), contract: 'RoundsManager', eventName: newRound.event, args: typedArgs('RoundsManager', newRound.event, newRound.returnValues), from: SENDER });
  return plan;
}

const dirs = new TempDirs();
let anvil: Anvil;
let dataDir: string;
let results: JobResult[];
const plan = replayPlan();

beforeAll(async () => {
  anvil = await replayOnAnvil(WINDOW.from, plan);
  dataDir = await dirs.make('chain');
  const config = chainConfig(dataDir, anvil.rpcUrl);
  const ctx = { config, window: WINDOW, log: logger({ test: 'real-chain' }), fetchedAt: new Date('2022-02-18T00:00:00Z') };
  const jobs = chainJobs.filter((j) => j.name === 'chain.bondingmanager' || j.name === 'chain.roundsmanager');
  results = [];
  for (const j of jobs) results.push(await j.run(ctx));
  await buildModels(config, WINDOW, ctx.log, ['stg_chain_bondingmanager', 'stg_chain_roundsmanager']);
}, 300_000);

afterAll(async () => {
  await anvil?.stop();
  await dirs.removeAll();
});

describe('real protocol logs through the chain connector', () => {
  it('replays the dumped raw logs byte for byte', () => {
    expect(rawLogs).toHaveLength(7);
    for (const l of rawLogs) {
      const i = exported.findIndex((e) => e.transactionHash === l.transactionHash) + l.logIndex;
      const encoded = encodePlannedEvent(plan[i]!);
      expect(encoded.topics, `${l.transactionHash}#${l.logIndex}`).toEqual(l.raw.topics.map((t) => t.toLowerCase()));
      expect(encoded.data).toBe(l.raw.data.toLowerCase());
      expect(encoded.emitter).toBe(l.address.toLowerCase());
    }
    const round = encodePlannedEvent(plan.at(-1)!);
    expect(round.topics).toEqual(newRound.raw.topics.map((t) => t.toLowerCase()));
    expect(round.data).toBe(newRound.raw.data.toLowerCase());
  });

  it('stores every log once and quarantines nothing', async () => {
    expect(results.map((r) => [r.job, r.quarantined, r.errors])).toEqual([['chain.bondingmanager', 0, 0], ['chain.roundsmanager', 0, 0]]);
    const bm = await readRaw(dataDir, 'chain', 'bondingmanager');
    expect(bm.quarantine).toEqual([]);
    expect(bm.records).toHaveLength(4491);
    expect(new Set(bm.records.map((r) => `${r.transactionHash}#${r.logIndex}`)).size).toBe(4491);
    expect(new Set(bm.records.map((r) => r.transactionHash)).size).toBe(2098);
    expect((await readRaw(dataDir, 'chain', 'roundsmanager')).records).toHaveLength(1);
  });

  it('types every event with the counts of the export', async () => {
    const rows = await readBuilt(dataDir, 'staging', 'stg_chain_bondingmanager');
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.event as string] = (counts[r.event as string] ?? 0) + 1;
    // Counted by hand in events.json (also listed in ../shared/real/PROVENANCE.md).
    expect(counts).toEqual({
      Reward: 1108, EarningsClaimed: 823, Unbond: 540, WithdrawFees: 507, Rebond: 488, TransferBond: 468, Bond: 328,
      TranscoderUpdate: 123, TranscoderActivated: 90, WithdrawStake: 11, TranscoderDeactivated: 3, ParameterUpdate: 2,
    });
    // Log order is the export's order: the first log is the unbondingPeriod ParameterUpdate (line 8).
    expect(lineOf(EVENTS, '"unbondingPeriod"')).toBe(8);
    expect(JSON.parse(rows[0]!.args_json as string)).toEqual({ param: 'unbondingPeriod' });
  });

  it('decodes the values copied from events.json', async () => {
    const exact = '* REPLACE (amount_wei::varchar AS amount_wei, amount_lpt::varchar AS amount_lpt, bonded_amount_wei::varchar AS bonded_amount_wei)';
    const rows = await readBuilt(dataDir, 'staging', 'stg_chain_bondingmanager', exact);
    const first = (event: string) => rows.find((r) => r.event === event)!;
    // The first Rebond (events.json line 6802): 0x0d5A... rebonds 80.866754259664161220 LPT to itself.
    expect(lineOf(EVENTS, '"name":"Rebond"')).toBe(6802);
    expect(first('Rebond')).toMatchObject({
      orchestrator_address: '0x0d5a6601942bf92e7b259bfc6b56009e6a1c0ad2',
      delegator_address: '0x0d5a6601942bf92e7b259bfc6b56009e6a1c0ad2',
    });
    expect(first('Rebond').amount_wei).toBe('80866754259664161220');
    expect(first('Rebond').amount_lpt).toBe('80.866754259664161220');
    // The last log of the export is a Rebond too (line 71674): 130.298715904466034206 LPT.
    expect(lineOf(EVENTS, '"amount":"130298715904466034206"')).toBe(71674);
    expect(rows.at(-1)!.amount_wei).toBe('130298715904466034206');
    expect(lineOf(EVENTS, '"name":"Bond"')).toBe(58);
    expect(lineOf(EVENTS, '"name":"TranscoderUpdate"')).toBe(286);
    // The first Bond (line 58): a self-bond from the zero address of 8705.615905194472341541 LPT.
    expect(first('Bond')).toMatchObject({ orchestrator_address: '0x3e2b450c0c499d8301146367680e067cd009db93', old_delegate_address: null, delegator_address: '0x3e2b450c0c499d8301146367680e067cd009db93' });
    expect(first('Bond').amount_wei).toBe('8705615905194472341541');
    expect(first('Bond').bonded_amount_wei).toBe('8705615905194472341541');
    // The first TranscoderUpdate (line 286): 0x1074... sets a 5% reward cut and 50% fee share (parts per million).
    expect(first('TranscoderUpdate')).toMatchObject({ orchestrator_address: '0x10742714f33f3d804e3fa489618b5c3ca12a6df7', reward_cut_ppm: 50000n, fee_share_ppm: 500000n });
    expect(first('TranscoderDeactivated')).toMatchObject({ orchestrator_address: '0x0d5a6601942bf92e7b259bfc6b56009e6a1c0ad2', deactivation_round: 2471n });
  });

  it('types the real NewRound: round 2513 with its L1 block hash', async () => {
    const [round] = await readBuilt(dataDir, 'staging', 'stg_chain_roundsmanager');
    expect(round).toMatchObject({ event: 'NewRound', round: 2513n, round_block_hash: '0x2f180b9a2c759abc9c77372f2a339b16191fe782304318e818b0b3ed0706a216' });
  });
});
