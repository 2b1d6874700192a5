// Reorgs: a chain rewritten below the watermark (evm_snapshot / evm_revert, then different logs) is
// detected on the next run and the affected partitions are rewritten: no duplicates, no stale logs.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS } from '../../jobs/chain/abis.ts';
import { makeChainJob } from '../../jobs/chain/job.ts';
import { checkpointNumbers, resumePoint, type ChainWatermarkState } from '../../jobs/chain/reorg.ts';
import type { ChainRpc } from '../../jobs/chain/rpc.ts';
import { UserError } from '../../lib/errors.ts';
import { ms } from '../../lib/time.ts';
import type { MinedLog } from '../../network/activity.ts';
import { startChain, type EmbeddedChain } from '../../network/chain/index.ts';
import { planProtocol, type PlannedEvent } from '../../network/protocol.ts';
import { createWorld } from '../../network/world.ts';
import { allRecords, chainContext, handMadePayments, readPartitions, tempDataDir } from './fixtures.ts';

const world = createWorld();
const plan = planProtocol(world, handMadePayments(world, 120));
const dirs: string[] = [];
let chain: EmbeddedChain;

// Small partitions, so a reorg near the top leaves older partitions alone.
const job = makeChainJob('TicketBroker', { partitionBlocks: 64 });
const FINALITY = { LPDATA_CHAIN_FINALITY_BLOCKS: '2' };
/** A face value no hand-made payment has, to spot logs of the orphaned branch. */
const ORPHANED_FACE_VALUE = 11n * 10n ** 15n + 123n;

/** Redemptions by the first orchestrator, `count` of them a minute apart from `startSec`. */
function redemptions(startSec: number, count: number, faceValue: bigint): PlannedEvent[] {
  const template = plan.events.find((e) => e.eventName === 'WinningTicketRedeemed')!;
  return Array.from({ length: count }, (_, i) => ({ ...template, atMs: ms((startSec + i * 60) * 1000), args: { ...template.args, faceValue, senderNonce: BigInt(9_000 + i) } }));
}

const key = (r: { transactionHash: string; logIndex: string | number }) => `${r.transactionHash}#${Number(r.logIndex)}`;

async function currentChainLogs(toBlock: number): Promise<string[]> {
  const logs = await chain.anvilRpc<{ transactionHash: Hex; logIndex: Hex }[]>('eth_getLogs', [{ address: CONTRACTS.TicketBroker.address, fromBlock: '0x0', toBlock: `0x${toBlock.toString(16)}` }]);
  return logs.map(key);
}

beforeAll(async () => {
  chain = await startChain(world, plan);
});

afterAll(async () => {
  await chain?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('reorg handling', () => {
  it('detects a reorg below the watermark and rewrites only the affected partitions', async () => {
    const dataDir = await tempDataDir(dirs);
    const ctx = () => chainContext(world, dataDir, chain.rpcUrl, FINALITY);
    const lastSec = plan.events[plan.events.length - 1]!.atMs / 1000 + 100;

    const snapshot = await chain.anvilRpc<Hex>('evm_snapshot');
    const forkPoint = chain.head;
    const orphaned: MinedLog[] = await chain.mine(redemptions(lastSec, 6, ORPHANED_FACE_VALUE), 80);
    await job.run(ctx());
    const before = await readPartitions(dataDir, 'ticketbroker');
    expect(allRecords(before).map(key)).toEqual(expect.arrayContaining(orphaned.map(key)));
    const untouched = before.filter((p) => p.manifest.block_range!.to < Math.floor(forkPoint / 64) * 64);
    expect(untouched.length).toBeGreaterThan(0);
    // The orphaned branch reaches past the fork point's partition, so only the kept hashes can find it.
    expect(before[before.length - 1]!.manifest.block_range!.from).toBeGreaterThan(forkPoint);

    // The chain drops everything after the fork point and grows a longer, different branch.
    expect(await chain.anvilRpc('evm_revert', [snapshot])).toBe(true);
    const replacement = await chain.mine(redemptions(lastSec + 30, 9, 7n * 10n ** 15n), 100);
    const result = await job.run(ctx());

    const after = await readPartitions(dataDir, 'ticketbroker');
    const records = allRecords(after);
    const keys = records.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    const finalHead = Number(BigInt(await chain.anvilRpc<Hex>('eth_blockNumber'))) - 2;
    expect(keys).toEqual(await currentChainLogs(finalHead));
    expect(keys).toEqual(expect.arrayContaining(replacement.map(key)));
    for (const l of orphaned) expect(keys).not.toContain(key(l));
    expect(records.filter((r) => r.decoded.event === 'WinningTicketRedeemed' && r.decoded.args.faceValue === ORPHANED_FACE_VALUE.toString())).toHaveLength(0);

    // Partitions wholly below the fork point were neither rewritten nor touched; the rewritten one says why.
    for (const p of untouched) {
      const now = after.find((a) => a.name === p.name)!;
      expect(now.manifest).toEqual(p.manifest);
    }
    expect(result.manifests[0]!.block_range!.from).toBeLessThanOrEqual(forkPoint);
    expect(result.manifests[0]!.extra.reorg_repaired).toMatchObject({ lastAgreeing: expect.any(Number) });
    expect((result.manifests[0]!.extra.reorg_repaired as { lastAgreeing: number }).lastAgreeing).toBeLessThanOrEqual(forkPoint);
    // Contiguous partitions up to the new final head, nothing left over from the orphaned branch.
    const ranges = after.map((p) => p.manifest.block_range!);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBe(ranges[i - 1]!.to + 1);
    expect(ranges[ranges.length - 1]!.to).toBe(finalHead);
    const wm = JSON.parse(await readFile(join(dataDir, 'state', 'watermarks', 'chain.ticketbroker.json'), 'utf8')) as { value: number };
    expect(wm.value).toBe(finalHead);
  });

  it('cuts the partitions back when the new branch ends below the old watermark', async () => {
    const dataDir = await tempDataDir(dirs);
    const ctx = () => chainContext(world, dataDir, chain.rpcUrl, FINALITY);
    const head = Number(BigInt(await chain.anvilRpc<Hex>('eth_blockNumber')));
    const { timestamp } = await chain.anvilRpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
    const snapshot = await chain.anvilRpc<Hex>('evm_snapshot');
    // A short orphaned branch, so the fork point itself is among the kept hashes.
    const orphaned = await chain.mine(redemptions(Number(timestamp) + 60, 2, ORPHANED_FACE_VALUE), 8);
    await job.run(ctx());
    expect(allRecords(await readPartitions(dataDir, 'ticketbroker')).map(key)).toEqual(expect.arrayContaining(orphaned.map(key)));

    // The new branch is one block long: the last agreeing block is above the new final head.
    expect(await chain.anvilRpc('evm_revert', [snapshot])).toBe(true);
    await chain.mine(redemptions(Number(timestamp) + 90, 1, 5n * 10n ** 15n), 0);
    const finalHead = head + 1 - 2;
    const result = await job.run(ctx());
    expect(result.upToDate).toBeUndefined();
    const after = await readPartitions(dataDir, 'ticketbroker');
    const keys = allRecords(after).map(key);
    expect(keys).toEqual(await currentChainLogs(finalHead));
    for (const l of orphaned) expect(keys).not.toContain(key(l));
    expect(after[after.length - 1]!.manifest.block_range!.to).toBe(finalHead);
    const wm = JSON.parse(await readFile(join(dataDir, 'state', 'watermarks', 'chain.ticketbroker.json'), 'utf8')) as { value: number };
    expect(wm.value).toBe(finalHead);
  });
});

describe('resumePoint', () => {
  const hashOf = (n: number, branch: string) => `0x${branch}${n.toString(16).padStart(63, '0')}` as Hex;
  const fakeRpc = (agreeUpTo: number): ChainRpc => ({
    block: async (n) => ({ number: n, hash: hashOf(n, n <= agreeUpTo ? 'a' : 'b'), timestamp: n }),
    chainId: async () => 42161,
    blockNumber: async () => 10_000,
    blocks: async () => new Map(),
    getLogs: async () => [],
  });
  const state = (head: number): ChainWatermarkState => ({
    chain_id: 42161,
    start_block: 0,
    block_hash: hashOf(head, 'a'),
    recent_blocks: checkpointNumbers(head, 0).map((n) => [n, hashOf(n, 'a')]),
  });

  it('keeps the last 16 blocks and then doubling distances', () => {
    expect(checkpointNumbers(1000, 0)).toEqual([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991, 990, 989, 988, 987, 986, 985, 968, 936, 872, 744, 488]);
    expect(checkpointNumbers(5, 3)).toEqual([5, 4, 3]);
  });

  it('resumes after the watermark when the chain agrees, after the highest agreeing checkpoint when not', async () => {
    expect(await resumePoint(fakeRpc(5000), 5000, state(5000), 'x')).toEqual({ from: 5001 });
    expect((await resumePoint(fakeRpc(4990), 5000, state(5000), 'x')).from).toBe(4991);
    expect((await resumePoint(fakeRpc(4900), 5000, state(5000), 'x')).from).toBe(4873);
  });

  it('refuses, with a fix, when no kept hash matches', async () => {
    await expect(resumePoint(fakeRpc(10), 5000, state(5000), 'ticketbroker')).rejects.toThrow(UserError);
    await expect(resumePoint(fakeRpc(10), 5000, state(5000), 'ticketbroker')).rejects.toThrow(/chain\.ticketbroker\.json/);
  });
});
