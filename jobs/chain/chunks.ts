// Reads a block range with eth_getLogs in chunks: start wide, halve on a provider's range or
// result limit, grow back toward the start size after successes.
import type { Hex } from 'viem';
import type { Logger } from '../../lib/log.ts';
import { RangeLimitError, type ChainRpc, type RawLog } from './rpc.ts';

export interface ChunkStats {
  requests: number;
  /** How often a range was refused and halved. */
  shrinks: number;
  smallestChunk: number;
}

export interface ChunkOptions {
  /** Blocks per request to start with and the most it grows back to. */
  initialChunk: number;
  log: Logger;
}

export async function getLogsChunked(rpc: ChainRpc, address: Hex, fromBlock: number, toBlock: number, opts: ChunkOptions): Promise<{ logs: RawLog[]; stats: ChunkStats }> {
  const logs: RawLog[] = [];
  const stats: ChunkStats = { requests: 0, shrinks: 0, smallestChunk: opts.initialChunk };
  let size = opts.initialChunk;
  for (let from = fromBlock; from <= toBlock; ) {
    const to = Math.min(from + size - 1, toBlock);
    stats.requests++;
    try {
      logs.push(...(await rpc.getLogs(address, from, to)));
    } catch (err) {
      if (!(err instanceof RangeLimitError)) throw err;
      if (to === from) throw new Error(`${err.message}; a single block is still too much for this provider, so its logs cannot be read with eth_getLogs`);
      size = Math.max(1, Math.floor((to - from + 1) / 2));
      stats.shrinks++;
      stats.smallestChunk = Math.min(stats.smallestChunk, size);
      opts.log.debug('getLogs range refused, halving', { from, to, next_chunk: size });
      continue;
    }
    from = to + 1;
    size = Math.min(opts.initialChunk, size * 2);
  }
  logs.sort((a, b) => Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)) || Number(BigInt(a.logIndex) - BigInt(b.logIndex)));
  return { logs, stats };
}
