// Reorg detection between runs. The watermark keeps the hash of the last block done and of a few
// blocks before it (dense near the top, then at doubling distances); the next run resumes after
// the highest of them the chain still agrees with.
import type { Hex } from 'viem';
import { UserError } from '../../lib/errors.ts';
import type { ChainRpc } from './rpc.ts';

export interface ChainWatermarkState {
  chain_id: number;
  /** First block this job ever read (the contract's deployment block or the configured start). */
  start_block: number;
  /** Hash of the watermark block. */
  block_hash: Hex;
  /** [number, hash] pairs, highest first, the watermark block included. */
  recent_blocks: [number, Hex][];
}

const DENSE = 16;

/** Block numbers worth remembering below `head`: the last 16, then head − 32, − 64, ... down to `floor`. */
export function checkpointNumbers(head: number, floor: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < DENSE && head - k >= floor; k++) out.push(head - k);
  for (let d = 2 * DENSE; head - d >= floor; d *= 2) out.push(head - d);
  return out;
}

export interface ResumePoint {
  /** First block to (re)read. */
  from: number;
  /** Present when the chain no longer agrees with the watermark block. */
  reorg?: { watermark: number; lastAgreeing: number; stale: Hex; now: Hex | null };
}

export async function resumePoint(rpc: ChainRpc, watermark: number, state: ChainWatermarkState, entity: string): Promise<ResumePoint> {
  const current = await rpc.block(watermark);
  if (current?.hash === state.block_hash) return { from: watermark + 1 };
  for (const [n, hash] of [...state.recent_blocks].sort((a, b) => b[0] - a[0])) {
    if (n >= watermark) continue;
    const b = await rpc.block(n);
    if (b?.hash === hash) return { from: n + 1, reorg: { watermark, lastAgreeing: n, stale: state.block_hash, now: current?.hash ?? null } };
  }
  throw new UserError(
    `chain.${entity}: the chain no longer holds any block hash the watermark kept (down to block ${Math.min(...state.recent_blocks.map((b) => b[0]))}); a reorg this deep means the endpoint serves another chain or history`,
    `check LPDATA_RPC_URL; to rebuild from the start, delete data/state/watermarks/chain.${entity}.json and data/raw/chain/${entity}/`,
  );
}
