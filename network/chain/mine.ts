// Mines planned protocol events into anvil: each event encoded with the real ABI, events that share
// a second and a sender in one transaction, each second one block stamped with that second. Then
// reads the logs back, so callers get the hashes and indexes the chain really produced.
import { encodeAbiParameters, encodeEventTopics, encodeFunctionData, type AbiEvent, type Hex } from 'viem';
import { CONTRACTS } from '../../jobs/chain/abis.ts';
import { decodeLog } from '../../jobs/chain/decode.ts';
import type { RawLog } from '../../jobs/chain/rpc.ts';
import type { MinedLog, ProtocolContract } from '../activity.ts';
import type { PlannedEvent } from '../protocol.ts';
import type { Address } from '../world.ts';
import type { Anvil } from './anvil.ts';
import type { CompiledEmitter } from './compile.ts';

interface Entry {
  emitter: Address;
  topics: Hex[];
  data: Hex;
}

const CONTRACT_BY_ADDRESS = new Map(Object.values(CONTRACTS).map((c) => [c.address.toLowerCase(), c.name as ProtocolContract]));

/** The log a planned event becomes: topics and data exactly as the real contract emits them. */
export function encodePlannedEvent(e: PlannedEvent): Entry {
  const spec = CONTRACTS[e.contract];
  const abiEvent = (spec.events as readonly AbiEvent[]).find((x) => x.name === e.eventName);
  if (!abiEvent) throw new Error(`${e.contract} has no event ${e.eventName} in its ABI`);
  for (const input of abiEvent.inputs) {
    if (!(input.name! in e.args)) throw new Error(`${e.contract}.${e.eventName} planned without argument ${input.name}`);
  }
  const indexed = Object.fromEntries(abiEvent.inputs.filter((i) => i.indexed).map((i) => [i.name!, e.args[i.name!]]));
  const plain = abiEvent.inputs.filter((i) => !i.indexed);
  return {
    emitter: spec.address.toLowerCase() as Address,
    topics: encodeEventTopics({ abi: [abiEvent], eventName: abiEvent.name, args: indexed } as Parameters<typeof encodeEventTopics>[0]) as Hex[],
    data: encodeAbiParameters(plain, plain.map((i) => e.args[i.name!]!)),
  };
}

/** Places the emitter's code at every protocol proxy address. */
export async function installEmitters(anvil: Anvil, emitter: CompiledEmitter): Promise<void> {
  for (const c of Object.values(CONTRACTS)) await anvil.rpc('anvil_setCode', [c.address, emitter.runtime]);
}

/** A generous gas limit: intrinsic cost, calldata, and per log its topics, data and a forwarding call. */
function gasFor(calldata: Hex, entries: Entry[]): number {
  const perLog = entries.reduce((s, e) => s + 15_000 + 375 * e.topics.length + 8 * ((e.data.length - 2) / 2), 0);
  return 60_000 + 16 * ((calldata.length - 2) / 2) + perLog * 2;
}

/**
 * Mines `events` (time-ordered) after the current head, one block per distinct second, then
 * `trailingBlocks` empty blocks one second apart. Returns the transaction senders by hash.
 */
export async function mineEvents(anvil: Anvil, emitter: CompiledEmitter, events: PlannedEvent[], trailingBlocks: number): Promise<Map<Hex, Address>> {
  const head = await anvil.rpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
  let lastSec = Number(BigInt(head.timestamp));
  const senders = new Map<Hex, Address>();
  let i = 0;
  while (i < events.length) {
    const sec = events[i]!.atMs / 1000;
    if (!Number.isInteger(sec) || sec <= lastSec) {
      throw new Error(`planned ${events[i]!.eventName} at ${new Date(events[i]!.atMs).toISOString()} is not a whole second after the chain head (${lastSec}); plans must be time-ordered and start after genesis`);
    }
    // One block: every event of this second, one transaction per run of the same sender.
    while (i < events.length && events[i]!.atMs / 1000 === sec) {
      const first = events[i]!;
      const entries: Entry[] = [];
      while (i < events.length && events[i]!.atMs === first.atMs && events[i]!.from === first.from) entries.push(encodePlannedEvent(events[i++]!));
      const data = encodeFunctionData({ abi: emitter.abi, functionName: 'emitLogs', args: [entries] });
      const hash = await anvil.rpc<Hex>('eth_sendTransaction', [
        { from: first.from, to: CONTRACTS[first.contract].address, data, gas: `0x${gasFor(data, entries).toString(16)}`, gasPrice: '0x0' },
      ]);
      senders.set(hash, first.from);
    }
    await anvil.rpc('evm_mine', [{ timestamp: sec }]);
    lastSec = sec;
  }
  if (trailingBlocks > 0) await anvil.rpc('anvil_mine', [`0x${trailingBlocks.toString(16)}`, '0x1']);
  return senders;
}

/** Every protocol log between two blocks, decoded; fails on a log the real ABI cannot read. */
export async function readMinedLogs(anvil: Anvil, fromBlock: number, toBlock: number, senders: Map<Hex, Address>): Promise<MinedLog[]> {
  const raw = await anvil.rpc<RawLog[]>('eth_getLogs', [
    { address: Object.values(CONTRACTS).map((c) => c.address), fromBlock: `0x${fromBlock.toString(16)}`, toBlock: `0x${toBlock.toString(16)}` },
  ]);
  const timestamps = new Map<Hex, number>();
  const out: MinedLog[] = [];
  for (const l of raw) {
    const contract = CONTRACT_BY_ADDRESS.get(l.address.toLowerCase())!;
    const d = decodeLog(contract, l);
    if (!d.ok) throw new Error(`mined log ${l.transactionHash}#${Number(l.logIndex)} does not decode: ${d.detail}`);
    let ts = timestamps.get(l.blockHash);
    if (ts === undefined) {
      const stamp = (l.blockTimestamp as Hex | undefined) ?? (await anvil.rpc<{ timestamp: Hex }>('eth_getBlockByHash', [l.blockHash, false])).timestamp;
      timestamps.set(l.blockHash, (ts = Number(BigInt(stamp))));
    }
    let from = senders.get(l.transactionHash);
    if (!from) {
      from = (await anvil.rpc<{ from: Address }>('eth_getTransactionByHash', [l.transactionHash])).from.toLowerCase() as Address;
      senders.set(l.transactionHash, from);
    }
    out.push({
      contract,
      address: l.address.toLowerCase() as Address,
      eventName: d.decoded.event,
      args: d.decoded.args,
      topics: l.topics,
      data: l.data,
      blockNumber: Number(BigInt(l.blockNumber)),
      blockHash: l.blockHash,
      blockTimestamp: ts,
      transactionHash: l.transactionHash,
      transactionIndex: Number(BigInt(l.transactionIndex)),
      logIndex: Number(BigInt(l.logIndex)),
      from,
    });
  }
  return out;
}
