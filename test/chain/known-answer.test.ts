// Known answers: real Arbitrum One logs (stronk-dev/LivepeerEvents dumps) decoded by the chain
// jobs' decoder must give the values the dump's own decoder and the events.json export recorded.
import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeLog, jsonArgs } from '../../jobs/chain/decode.ts';
import { parseDump, realJson } from '../real/harness.ts';

/** Named values only (web3 also lists them by position). */
const named = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([k]) => !/^\d+$/.test(k)));
const lower = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v.toLowerCase() : v]));

describe('decoding real logs', () => {
  const raw = parseDump('livepeer-events/rawevents.json');
  const exported = realJson<{ transactionHash: string; name: string; data: Record<string, string> }[]>('livepeer-events/events.json');

  it('reads all seven raw BondingManager logs from the dump', () => {
    expect(raw).toHaveLength(7);
    expect(new Set(raw.map((l) => l.address))).toEqual(new Set(['0x35Bcf3c30594191d53231E4FF333E8A770453e40']));
  });

  it('decodes each to the event name and values the dump recorded', () => {
    for (const l of raw) {
      const d = decodeLog('BondingManager', { address: l.address, topics: l.raw.topics, data: l.raw.data });
      expect(d.ok, `${l.transactionHash}#${l.logIndex}`).toBe(true);
      if (!d.ok) continue;
      expect(d.decoded.event).toBe(l.event);
      expect(jsonArgs(d.decoded.args)).toEqual(lower(named(l.returnValues)));
    }
  });

  it('agrees with events.json wherever the same transaction appears there', () => {
    let compared = 0;
    for (const l of raw) {
      const same = exported.filter((e) => e.transactionHash === l.transactionHash && e.name === l.event);
      if (same.length === 0) continue;
      const d = decodeLog('BondingManager', { address: l.address, topics: l.raw.topics, data: l.raw.data });
      if (!d.ok) throw new Error(d.detail);
      const mine = jsonArgs(d.decoded.args);
      expect(same.map((e) => lower(named(e.data)))).toContainEqual(mine);
      compared++;
    }
    // Both dumped transactions are in the export, with all seven of their logs.
    expect(compared).toBe(7);
  });

  it('decodes the real NewRound log: round 2513 at Arbitrum block 8761883', () => {
    const [round] = parseDump('livepeer-events/rounds.json');
    expect(round!.blockNumber).toBe(8761883);
    const d = decodeLog('RoundsManager', { address: round!.address, topics: round!.raw.topics, data: round!.raw.data });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.decoded.event).toBe('NewRound');
    expect(d.decoded.args.round).toBe(2513n);
    expect(d.decoded.args.blockHash).toBe('0x2f180b9a2c759abc9c77372f2a339b16191fe782304318e818b0b3ed0706a216');
  });

  it('quarantines what the real ABI cannot read, with the reason', () => {
    const [l] = raw;
    const unknown = decodeLog('BondingManager', { address: l!.address, topics: [`0x${'ab'.repeat(32)}`, ...l!.raw.topics.slice(1)], data: l!.raw.data });
    expect(unknown).toMatchObject({ ok: false, reason: 'unknown_topic0' });
    const short = decodeLog('BondingManager', { address: l!.address, topics: l!.raw.topics, data: l!.raw.data.slice(0, 66) as Hex });
    expect(short).toMatchObject({ ok: false, reason: 'undecodable' });
    const elsewhere = decodeLog('TicketBroker', { address: l!.address, topics: l!.raw.topics, data: l!.raw.data });
    expect(elsewhere).toMatchObject({ ok: false, reason: 'wrong_address' });
    expect(decodeLog('BondingManager', { address: l!.address, topics: [], data: '0x' })).toMatchObject({ ok: false, reason: 'no_topic0' });
  });
});
