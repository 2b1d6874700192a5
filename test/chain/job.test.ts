// The chain-logs connector against the embedded chain: everything the plan emitted arrives once,
// decoded to the planned values, below the finality margin, incrementally, and with bad logs
// quarantined rather than dropped.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS } from '../../jobs/chain/abis.ts';
import { jsonArgs } from '../../jobs/chain/decode.ts';
import { chainJobs, makeChainJob } from '../../jobs/chain/job.ts';
import type { JobResult } from '../../jobs/job.ts';
import { UserError } from '../../lib/errors.ts';
import { readWatermark } from '../../lib/watermark.ts';
import { startChain, type EmbeddedChain } from '../../network/chain/index.ts';
import { compileEmitter } from '../../network/chain/compile.ts';
import { planProtocol } from '../../network/protocol.ts';
import { createWorld } from '../../network/world.ts';
import { allRecords, chainContext, handMadePayments, readPartitions, tempDataDir, type ChainRecord } from './fixtures.ts';

const world = createWorld();
const plan = planProtocol(world, handMadePayments(world, 300));
const dirs: string[] = [];
let chain: EmbeddedChain;
let dataDir: string;
let firstRun: JobResult[];

const entities = ['bondingmanager', 'ticketbroker', 'roundsmanager', 'minter', 'serviceregistry'];
const recordKey = (r: { transactionHash: string; logIndex: string | number }) => `${r.transactionHash}#${Number(r.logIndex)}`;

async function everything(dir: string): Promise<ChainRecord[]> {
  const out: ChainRecord[] = [];
  for (const e of entities) out.push(...allRecords(await readPartitions(dir, e)));
  return out;
}

async function runAll(dir: string, env: Record<string, string> = {}): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of chainJobs) results.push(await job.run(chainContext(world, dir, chain.rpcUrl, env)));
  return results;
}

beforeAll(async () => {
  chain = await startChain(world, plan);
  dataDir = await tempDataDir(dirs);
  firstRun = await runAll(dataDir);
});

afterAll(async () => {
  await chain?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('chain jobs on the embedded chain', () => {
  it('are one job per contract, named after it', () => {
    expect(chainJobs.map((j) => j.name)).toEqual(entities.map((e) => `chain.${e}`));
    expect(firstRun.every((r) => r.quarantined === 0 && r.errors === 0)).toBe(true);
  });

  it('fetch every planned log exactly once: counts per event equal the plan', async () => {
    const records = await everything(dataDir);
    const count = (names: string[]) => names.reduce<Record<string, number>>((m, n) => ((m[n] = (m[n] ?? 0) + 1), m), {});
    expect(count(records.map((r) => r.decoded.event))).toEqual(count(plan.events.map((e) => e.eventName)));
    expect(new Set(records.map(recordKey)).size).toBe(records.length);
  });

  it('decode to the planned values: amounts as decimal strings, addresses lowercase', async () => {
    const byKey = new Map((await everything(dataDir)).map((r) => [recordKey(r), r]));
    plan.events.forEach((e, k) => {
      const mined = chain.logs[k]!;
      const r = byKey.get(recordKey(mined))!;
      expect(r.decoded).toEqual({ event: e.eventName, args: jsonArgs(e.args) });
      expect(r.block_timestamp * 1000).toBe(e.atMs);
      expect(r.blockHash).toBe(mined.blockHash);
      expect(r.address).toBe(CONTRACTS[e.contract].address.toLowerCase());
    });
    const ticket = [...byKey.values()].find((r) => r.decoded.event === 'WinningTicketRedeemed')!;
    expect(ticket.decoded.args.recipient).toMatch(/^0x[0-9a-f]{40}$/);
    expect(ticket.decoded.args.faceValue).toMatch(/^[1-9]\d*$/);
  });

  it('keep the raw RPC log as returned, hex fields as strings', async () => {
    const [r] = allRecords(await readPartitions(dataDir, 'roundsmanager'));
    expect(r!.blockNumber).toMatch(/^0x[0-9a-f]+$/);
    expect(r!.logIndex).toMatch(/^0x[0-9a-f]+$/);
    expect(r!.topics[0]).toBe('0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786');
  });

  it('stop at head minus the finality margin and say so in the manifest and the watermark', async () => {
    const finalHead = chain.head - 20;
    for (const e of entities) {
      const parts = await readPartitions(dataDir, e);
      expect(parts.map((p) => p.name)).toEqual([`blocks=0000000000_${String(finalHead).padStart(10, '0')}`]);
      const m = parts[0]!.manifest;
      expect(m.block_range).toEqual({ from: 0, to: finalHead });
      const toBlock = await chain.anvilRpc<{ hash: Hex }>('eth_getBlockByNumber', [`0x${finalHead.toString(16)}`, false]);
      expect(m.extra).toMatchObject({ chain_id: 42161, to_block_hash: toBlock.hash });
      expect(m.window).toEqual({ from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' });
      const wm = await readWatermark(dataDir, 'chain', e);
      expect(wm?.value).toBe(finalHead);
      expect(wm?.state).toMatchObject({ chain_id: 42161, block_hash: toBlock.hash, start_block: 0 });
    }
  });

  it('write the same records again from a fresh start', async () => {
    const again = await tempDataDir(dirs);
    await runAll(again);
    for (const e of entities) {
      const [a, b] = [await readPartitions(dataDir, e), await readPartitions(again, e)];
      expect(b.map((p) => p.manifest.sha256)).toEqual(a.map((p) => p.manifest.sha256));
    }
  });

  it('fetch nothing when nothing new is final', async () => {
    const results = await runAll(dataDir);
    expect(results.every((r) => r.upToDate && r.manifests.length === 0)).toBe(true);
  });

  it('continue from the watermark, replacing the open partition, and quarantine logs the ABI cannot read', async () => {
    const before = await everything(dataDir);
    const last = plan.events[plan.events.length - 1]!;
    const more = plan.events.filter((e) => e.eventName === 'Reward').slice(0, 3).map((e, i) => ({ ...e, atMs: (last.atMs + 3_600_000 + i * 60_000) as typeof e.atMs }));
    const newLogs = await chain.mine(more, 0);
    // A log no BondingManager event has: kept in quarantine with its reason.
    const { abi } = await compileEmitter();
    const data = encodeFunctionData({ abi, functionName: 'emitOne', args: [[`0x${'ab'.repeat(32)}`], '0x'] });
    await chain.anvilRpc('eth_sendTransaction', [{ from: more[0]!.from, to: CONTRACTS.BondingManager.address, data, gas: '0x30000', gasPrice: '0x0' }]);
    await chain.anvilRpc('evm_mine', [{ timestamp: last.atMs / 1000 + 7200 }]);
    await chain.anvilRpc('anvil_mine', ['0x28', '0x1']);

    await runAll(dataDir);
    const parts = await readPartitions(dataDir, 'bondingmanager');
    expect(parts).toHaveLength(1);
    const records = allRecords(parts);
    expect(records.length).toBe(before.filter((r) => r.address === CONTRACTS.BondingManager.address.toLowerCase()).length + 3);
    for (const l of newLogs) expect(records.map(recordKey)).toContain(recordKey(l));
    expect(parts[0]!.quarantine).toHaveLength(1);
    expect(parts[0]!.quarantine[0]!.reason).toMatch(/^unknown_topic0: /);
    expect(parts[0]!.manifest.quarantine_reasons).toEqual({ [parts[0]!.quarantine[0]!.reason]: 1 });
    expect(parts[0]!.manifest.read).toBe(records.length + 1);
  });

  it('refuse an endpoint that serves another chain, naming the fix', async () => {
    const job = makeChainJob('Minter');
    const ctx = chainContext(world, await tempDataDir(dirs), chain.rpcUrl, { LPDATA_CHAIN_ID: '1' });
    await expect(job.run(ctx)).rejects.toThrow(UserError);
    await expect(job.run(ctx)).rejects.toThrow(/reports chain id 42161, expected 1[\s\S]*LPDATA_CHAIN_ID/);
  });

  it('refuse to start below the deployment block on a chain too short to be Arbitrum One', async () => {
    const dir = await tempDataDir(dirs);
    const ctx = chainContext(world, dir, chain.rpcUrl);
    delete ctx.config.chainStartBlock;
    await expect(makeChainJob('TicketBroker').run(ctx)).rejects.toThrow(/deployment block 5856357[\s\S]*LPDATA_CHAIN_START_BLOCK=0/);
    expect(existsSync(join(dir, 'raw'))).toBe(false);
  });

  it('refuse a watermark written for another chain', async () => {
    const dir = await tempDataDir(dirs);
    await makeChainJob('Minter').run(chainContext(world, dir, chain.rpcUrl));
    const file = join(dir, 'state', 'watermarks', 'chain.minter.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"chain_id": 42161', '"chain_id": 1'));
    await expect(makeChainJob('Minter').run(chainContext(world, dir, chain.rpcUrl, { LPDATA_CHAIN_ID: '42161' }))).rejects.toThrow(/written for chain 1/);
  });
});
