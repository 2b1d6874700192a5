// Raw protocol logs from Arbitrum One, one job per contract (entity = contract name, lowercase).
// Reads eth_getLogs on the proxy address from the watermark (or the contract's deployment block) up
// to head − finality, in block-aligned partitions `blocks=<from>_<to>`; each record is the log as
// the node returned it plus `decoded` (real ABI) and `block_timestamp`. A reorg below the last
// watermark is detected from the kept block hashes and the affected partitions are rewritten.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { endpoint } from '../../lib/config.ts';
import { UserError } from '../../lib/errors.ts';
import { stableJson } from '../../lib/hash.ts';
import { redactUrl } from '../../lib/http.ts';
import { SnapshotWriter, type SnapshotManifest } from '../../lib/snapshot.ts';
import { iso } from '../../lib/time.ts';
import { readWatermark, writeWatermark } from '../../lib/watermark.ts';
import { summarise, type Job, type JobContext, type JobResult } from '../job.ts';
import { ARBITRUM_ONE_CHAIN_ID, CONTRACT_NAMES, CONTRACTS, type ContractName } from './abis.ts';
import { getLogsChunked, type ChunkStats } from './chunks.ts';
import { decodeLog, jsonArgs } from './decode.ts';
import { checkpointNumbers, resumePoint, type ChainWatermarkState, type ResumePoint } from './reorg.ts';
import { chainRpc, type BlockRef, type ChainRpc, type RawLog } from './rpc.ts';

const SOURCE = 'chain';
const VERSION = '1.0.0';

export interface ChainJobOptions {
  /** Blocks per eth_getLogs request to start with (halved on provider limits). */
  initialChunkBlocks?: number;
  /** Partition span in blocks; partitions start at multiples of it, so reruns rewrite the same ones. */
  partitionBlocks?: number;
  /** Parallel eth_getBlockByNumber calls when reading block timestamps. */
  blockConcurrency?: number;
}

const pad = (n: number) => String(n).padStart(10, '0');
export const partitionName = (from: number, to: number) => `blocks=${pad(from)}_${pad(to)}`;
const PARTITION = /^blocks=(\d+)_(\d+)$/;

export function makeChainJob(contract: ContractName, opts: ChainJobOptions = {}): Job {
  const spec = CONTRACTS[contract];
  const entity = contract.toLowerCase();
  const name = `${SOURCE}.${entity}`;
  const chunk = opts.initialChunkBlocks ?? 10_000;
  const span = opts.partitionBlocks ?? 100_000;
  return {
    name,
    source: SOURCE,
    entity,
    version: VERSION,
    description: `raw ${contract} logs (proxy ${spec.address}) decoded with the real ABI, in block-range partitions below the finality margin`,
    async run(ctx: JobContext): Promise<JobResult> {
      const started = Date.now();
      const log = ctx.log.child({ job: name });
      const url = endpoint(ctx.config, 'rpc');
      const rpc = chainRpc(url, { concurrency: opts.blockConcurrency ?? 8 });

      const chainId = await rpc.chainId();
      const expected = ctx.config.chainId ?? ARBITRUM_ONE_CHAIN_ID;
      if (chainId !== expected) {
        throw new UserError(
          `${name}: ${redactUrl(url)} reports chain id ${chainId}, expected ${expected}`,
          expected === ARBITRUM_ONE_CHAIN_ID ? `point LPDATA_RPC_URL at an Arbitrum One endpoint, or set LPDATA_CHAIN_ID=${chainId} to read that chain on purpose` : `set LPDATA_CHAIN_ID to the chain LPDATA_RPC_URL serves`,
        );
      }
      const head = await rpc.blockNumber();
      const finalHead = head - ctx.config.chainFinalityBlocks;

      const wm = await readWatermark(ctx.config.dataDir, SOURCE, entity);
      const state = wm?.state as ChainWatermarkState | undefined;
      let base: number;
      let resume: ResumePoint;
      if (wm && state) {
        if (state.chain_id !== chainId) {
          throw new UserError(`${name}: the watermark was written for chain ${state.chain_id}, the endpoint serves ${chainId}`, `delete data/state/watermarks/${SOURCE}.${entity}.json and data/raw/${SOURCE}/${entity}/ to start over on this chain`);
        }
        base = state.start_block;
        resume = await resumePoint(rpc, Number(wm.value), state, entity);
        if (resume.reorg) log.warn('reorg below the watermark; re-reading from the last block the chain still agrees with', { ...resume.reorg });
      } else {
        base = ctx.config.chainStartBlock ?? spec.deployBlock;
        if (ctx.config.chainStartBlock === undefined && head < base) {
          throw new UserError(
            `${name}: the chain's head ${head} is below ${contract}'s deployment block ${base} on Arbitrum One, so this endpoint does not serve Arbitrum One's history`,
            'for a local or embedded chain set LPDATA_CHAIN_START_BLOCK=0; otherwise point LPDATA_RPC_URL at Arbitrum One',
          );
        }
        resume = { from: base };
      }
      // After a reorg onto a shorter chain the resume point can lie above the final head; the
      // partitions past the last agreeing block must still be cut back to what is final now.
      const from = resume.reorg ? Math.min(resume.from, finalHead + 1) : resume.from;
      if ((from > finalHead && !resume.reorg) || finalHead < base) {
        log.info('up to date', { watermark: wm?.value ?? null, final_head: finalHead });
        return summarise(name, [], started, { upToDate: true });
      }

      // Re-read whole partitions, so a partition is always the complete answer for its range.
      const firstStart = Math.max(base, Math.floor(from / span) * span);
      const manifests: SnapshotManifest[] = [];
      const written = new Set<string>();
      for (let start = firstStart; start <= finalHead; start = Math.floor(start / span) * span + span) {
        const end = Math.min(Math.floor(start / span) * span + span - 1, finalHead);
        const m = await writePartition({ ctx, rpc, contract, entity, name, url, chainId, from: start, to: end, chunk, reorg: resume.reorg });
        manifests.push(m);
        written.add(m.partition);
        log.info('partition written', { partition: m.partition, rows: m.rows, quarantined: m.quarantined });
      }
      await removeStalePartitions(ctx.config.dataDir, entity, firstStart, written);

      const checkpoints = await rpc.blocks(checkpointNumbers(finalHead, base));
      const newState: ChainWatermarkState = {
        chain_id: chainId,
        start_block: base,
        block_hash: checkpoints.get(finalHead)!.hash,
        recent_blocks: [...checkpoints.values()].sort((a, b) => b.number - a.number).map((b) => [b.number, b.hash]),
      };
      await writeWatermark(ctx.config.dataDir, SOURCE, entity, finalHead, newState as unknown as Record<string, unknown>);
      return summarise(name, manifests, started);
    },
  };
}

interface PartitionTask {
  ctx: JobContext;
  rpc: ChainRpc;
  contract: ContractName;
  entity: string;
  name: string;
  url: string;
  chainId: number;
  from: number;
  to: number;
  chunk: number;
  reorg: ResumePoint['reorg'];
}

async function writePartition(t: PartitionTask): Promise<SnapshotManifest> {
  const address = CONTRACTS[t.contract].address;
  const { logs, stats } = await getLogsChunked(t.rpc, address, t.from, t.to, { initialChunk: t.chunk, log: t.ctx.log });
  const blocks = await t.rpc.blocks([t.from, t.to, ...logs.map((l) => Number(BigInt(l.blockNumber)))]);
  const writer = new SnapshotWriter({ dataDir: t.ctx.config.dataDir, source: SOURCE, entity: t.entity, partition: partitionName(t.from, t.to) });
  try {
    for (const l of logs) {
      const raw = stableJson(l, 0);
      const block = blocks.get(Number(BigInt(l.blockNumber)))!;
      checkSameChain(l, block, t.name);
      if (l.removed === true) {
        writer.reject(raw, 'removed: the node flagged the log as removed by a reorg');
        continue;
      }
      const d = decodeLog(t.contract, l);
      if (!d.ok) {
        writer.reject(raw, `${d.reason}: ${d.detail}`);
        continue;
      }
      await writer.add(stableJson({ ...l, decoded: { event: d.decoded.event, args: jsonArgs(d.decoded.args) }, block_timestamp: block.timestamp }, 0));
    }
    return await writer.commit(
      {
        job: t.name,
        jobVersion: VERSION,
        endpoint: redactUrl(t.url),
        query: { method: 'eth_getLogs', address, fromBlock: t.from, toBlock: t.to },
        window: { from: iso(t.ctx.window.from), to: iso(t.ctx.window.to) },
        blockRange: { from: t.from, to: t.to },
        extra: {
          chain_id: t.chainId,
          from_block_hash: blocks.get(t.from)!.hash,
          to_block_hash: blocks.get(t.to)!.hash,
          from_block_timestamp: blocks.get(t.from)!.timestamp,
          to_block_timestamp: blocks.get(t.to)!.timestamp,
          get_logs: stats satisfies ChunkStats,
          ...(t.reorg ? { reorg_repaired: t.reorg } : {}),
        },
      },
      t.ctx.fetchedAt,
    );
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** A log whose block hash differs from the block read for its number means the chain moved mid-run. */
function checkSameChain(l: RawLog, block: BlockRef, job: string): void {
  if ((l.blockHash as string).toLowerCase() !== block.hash) {
    throw new Error(`${job}: log ${l.transactionHash}#${Number(BigInt(l.logIndex))} names block ${block.number} as ${l.blockHash}, but the chain now has ${block.hash} there; the chain reorganised during the run, run again`);
  }
}

/** Partitions from `from` on that this run did not write are stale (a shorter or reorganised range). */
async function removeStalePartitions(dataDir: string, entity: string, from: number, written: Set<string>): Promise<void> {
  const dir = join(dataDir, 'raw', SOURCE, entity);
  if (!existsSync(dir)) return;
  for (const name of await readdir(dir)) {
    const m = PARTITION.exec(name);
    if (m && Number(m[2]) >= from && !written.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

export const chainJobs: Job[] = CONTRACT_NAMES.map((c) => makeChainJob(c));
