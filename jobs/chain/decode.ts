// Decodes a raw log of one protocol contract with the real ABI, or says why it cannot.
import { decodeEventLog, toEventSelector, type AbiEvent, type Hex } from 'viem';
import { CONTRACTS, type ContractName } from './abis.ts';

export type ArgValue = bigint | string | boolean | number | readonly unknown[];

export interface DecodedLog {
  event: string;
  /** By ABI input name; uint values as bigint, addresses lowercase, bytes as lowercase hex. */
  args: Record<string, ArgValue>;
}

export type DecodeResult = { ok: true; decoded: DecodedLog } | { ok: false; reason: QuarantineReason; detail: string };

/** Why a log was quarantined; the keys counted in a manifest's `quarantine_reasons`. */
export type QuarantineReason = 'no_topic0' | 'unknown_topic0' | 'undecodable' | 'wrong_address';

const selectors = new Map<ContractName, Map<Hex, AbiEvent>>();

function eventsByTopic0(contract: ContractName): Map<Hex, AbiEvent> {
  let m = selectors.get(contract);
  if (!m) {
    m = new Map();
    for (const item of CONTRACTS[contract].events) {
      if (item.type === 'event') m.set(toEventSelector(item), item);
    }
    selectors.set(contract, m);
  }
  return m;
}

/** Addresses lowercase (the project's canonical form); everything else as viem decodes it. */
function normalise(value: unknown, type: string): ArgValue {
  if (type === 'address' && typeof value === 'string') return value.toLowerCase();
  if (type.startsWith('bytes') && typeof value === 'string') return value.toLowerCase();
  return value as ArgValue;
}

export function decodeLog(contract: ContractName, log: { address: string; topics: readonly Hex[]; data: Hex }): DecodeResult {
  if (log.address.toLowerCase() !== CONTRACTS[contract].address.toLowerCase()) {
    return { ok: false, reason: 'wrong_address', detail: `log from ${log.address}, expected ${contract} at ${CONTRACTS[contract].address}` };
  }
  const topic0 = log.topics[0]?.toLowerCase() as Hex | undefined;
  if (!topic0) return { ok: false, reason: 'no_topic0', detail: 'anonymous log: no topic0' };
  const abiEvent = eventsByTopic0(contract).get(topic0);
  if (!abiEvent) return { ok: false, reason: 'unknown_topic0', detail: `${contract} has no event with topic0 ${topic0}` };
  try {
    const { args } = decodeEventLog({ abi: [abiEvent], topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
    const out: Record<string, ArgValue> = {};
    const values = args as unknown as Record<string, unknown>;
    for (const input of abiEvent.inputs) {
      const name = input.name!;
      out[name] = normalise(values[name], input.type);
    }
    return { ok: true, decoded: { event: abiEvent.name, args: out } };
  } catch (err) {
    const e = err as { shortMessage?: string; message?: string };
    return { ok: false, reason: 'undecodable', detail: `${abiEvent.name}: ${e.shortMessage ?? e.message ?? String(err)}` };
  }
}

/** Decoded args as JSON values: bigints become decimal strings, so no precision is lost. */
export function jsonArgs(args: Record<string, ArgValue>): Record<string, unknown> {
  const conv = (v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : Array.isArray(v) ? v.map(conv) : v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = conv(v);
  return out;
}
