// The JSON-RPC calls the chain jobs make, through viem, returning what the node sent (hex strings).
// eth_getLogs is never retried on a provider's result or range limit: the caller shrinks the range.
import { createPublicClient, http, type Hex } from 'viem';

/** A log as eth_getLogs returns it; fields a provider adds (blockTimestamp, removed) are kept. */
export interface RawLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed?: boolean;
  [field: string]: unknown;
}

export interface BlockRef {
  number: number;
  hash: Hex;
  /** Unix seconds. */
  timestamp: number;
}

export interface ChainRpc {
  chainId(): Promise<number>;
  blockNumber(): Promise<number>;
  /** The block at `n`, or undefined when the chain is not that long. */
  block(n: number): Promise<BlockRef | undefined>;
  /** Blocks by number, fetched a few at a time; fails if one is missing. */
  blocks(numbers: Iterable<number>): Promise<Map<number, BlockRef>>;
  getLogs(address: Hex, fromBlock: number, toBlock: number): Promise<RawLog[]>;
}

/** The provider refused a getLogs range as too large or its result as too big. */
export class RangeLimitError extends Error {
  constructor(readonly fromBlock: number, readonly toBlock: number, cause: unknown) {
    super(`eth_getLogs ${fromBlock}..${toBlock} refused as too large: ${messageOf(cause)}`);
    this.name = 'RangeLimitError';
  }
}

// Wordings seen from Infura, Alchemy, QuickNode, Ankr, Arbitrum's public RPC and geth-style nodes,
// and viem's own cap on a response body (a busy day's logs can outgrow it on any provider).
const RANGE_LIMIT = /more than [\d,]+ results|too many (results|logs|blocks)|range (is )?(too large|too big|too wide)|exceed(s|ed)? (the )?(max(imum)? )?(block )?range|limited to a [\d,]+ (block )?range|response size|response body exceeded the size limit|query timeout exceeded/i;

function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { details?: string; shortMessage?: string; message?: string };
    parts.push(x.details ?? x.shortMessage ?? x.message ?? String(e));
  }
  return [...new Set(parts)].join(' | ');
}

export function isRangeLimitError(err: unknown): boolean {
  return RANGE_LIMIT.test(messageOf(err));
}

/** Network trouble or a busy provider: worth another try with the same range. */
function isTransient(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { name?: string; status?: number; code?: number };
    if (x.name === 'TimeoutError') return true;
    if (x.name === 'HttpRequestError' && (x.status === undefined || x.status === 429 || x.status >= 500)) return true;
    if (x.code === -32603 || x.code === 429 || x.code === -32007) return true;
  }
  return false;
}

const hex = (n: number): Hex => `0x${n.toString(16)}`;
const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));

export function chainRpc(url: string, opts: { concurrency?: number; timeoutMs?: number } = {}): ChainRpc {
  const client = createPublicClient({ transport: http(url, { timeout: opts.timeoutMs ?? 30_000, retryCount: 4, retryDelay: 250 }) });
  const concurrency = opts.concurrency ?? 8;
  const block = async (n: number): Promise<BlockRef | undefined> => {
    const b = (await client.request({ method: 'eth_getBlockByNumber', params: [hex(n), false] })) as { number: Hex; hash: Hex; timestamp: Hex } | null;
    if (!b) return undefined;
    return { number: Number(BigInt(b.number)), hash: b.hash.toLowerCase() as Hex, timestamp: Number(BigInt(b.timestamp)) };
  };
  return {
    chainId: async () => Number(BigInt(await client.request({ method: 'eth_chainId' }))),
    blockNumber: async () => Number(BigInt(await client.request({ method: 'eth_blockNumber' }))),
    block,
    async blocks(numbers) {
      const queue = [...new Set(numbers)].sort((a, b) => a - b);
      const out = new Map<number, BlockRef>();
      const worker = async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          const b = await block(n);
          if (!b) throw new Error(`block ${n} is missing from the chain while its logs are being read; the chain moved, rerun later`);
          out.set(n, b);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      return out;
    },
    async getLogs(address, fromBlock, toBlock) {
      const params: [{ address: Hex; fromBlock: Hex; toBlock: Hex }] = [{ address, fromBlock: hex(fromBlock), toBlock: hex(toBlock) }];
      for (let attempt = 1; ; attempt++) {
        try {
          return (await client.request({ method: 'eth_getLogs', params }, { retryCount: 0 })) as unknown as RawLog[];
        } catch (err) {
          if (isRangeLimitError(err)) throw new RangeLimitError(fromBlock, toBlock, err);
          if (attempt >= 5 || !isTransient(err)) throw err;
          await sleep(Math.random() * 250 * 2 ** attempt);
        }
      }
    },
  };
}
