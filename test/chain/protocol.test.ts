// The protocol plan: deterministic, rounds that fit the window, a redemption per winning ticket, and
// ground truth that adds up to the planned events.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors.ts';
import { isoDay, ms } from '../../lib/time.ts';
import { planProtocol, ROUND_LENGTH_L1_BLOCKS, roundAt, roundBlockHash } from '../../network/protocol.ts';
import { createWorld } from '../../network/world.ts';
import { handMadePayments } from './fixtures.ts';

const world = createWorld();
const payments = handMadePayments(world, 400);
const plan = planProtocol(world, payments);
const named = (name: string) => plan.events.filter((e) => e.eventName === name);
const MAX_UINT256 = 2n ** 256n - 1n;

describe('planProtocol', () => {
  it('is a pure function of the world and the payments', () => {
    const again = planProtocol(createWorld(), handMadePayments(createWorld(), 400));
    expect(again).toEqual(plan);
    const otherSeed = planProtocol(createWorld({ seed: 'another' }), payments);
    expect(otherSeed.events).not.toEqual(plan.events);
  });

  it('is time-ordered, in whole seconds, inside the chain after genesis', () => {
    for (let i = 1; i < plan.events.length; i++) expect(plan.events[i]!.atMs).toBeGreaterThanOrEqual(plan.events[i - 1]!.atMs);
    for (const e of plan.events) {
      expect(e.atMs % 1000).toBe(0);
      expect(e.atMs).toBeGreaterThan(world.window.from);
    }
  });

  it('holds at least two whole rounds a day, each initialised once with L1 blocks 5760 apart', () => {
    expect(plan.rounds.length).toBe(4);
    expect(named('NewRound').map((e) => e.args.round)).toEqual(plan.rounds.map((r) => BigInt(r.round)));
    expect(named('SetCurrentRewardTokens')).toHaveLength(plan.rounds.length);
    for (const [i, r] of plan.rounds.entries()) {
      expect(r.round).toBe(plan.rounds[0]!.round + i);
      expect(r.l1StartBlock).toBe(r.round * ROUND_LENGTH_L1_BLOCKS);
      expect(r.blockHash).toBe(roundBlockHash(world.options.seed, r.round));
      expect(roundAt(world.window, r.startMs)).toBe(r.round);
      // Minter's event precedes NewRound in the same transaction, as initializeRound emits them.
      const init = plan.events.filter((e) => e.atMs === r.initialisedAtMs && (e.eventName === 'SetCurrentRewardTokens' || e.eventName === 'NewRound'));
      expect(init.map((e) => e.eventName)).toEqual(['SetCurrentRewardTokens', 'NewRound']);
      expect(new Set(init.map((e) => e.from)).size).toBe(1);
    }
    // Round numbers in mainnet's range for late 2026 (round 2513 was March 2022).
    expect(plan.rounds[0]!.round).toBeGreaterThan(4000);
  });

  it('calls reward or records a miss for every active orchestrator in every round', () => {
    const active = world.orchestrators.filter((o) => o.active).map((o) => o.address).sort();
    for (const r of plan.rounds) {
      expect([...r.rewarded, ...r.missed].sort()).toEqual(active);
      const calls = named('Reward').filter((e) => e.atMs > r.initialisedAtMs && e.atMs < r.startMs + plan.roundLengthMs);
      expect(calls.map((e) => e.args.transcoder).sort()).toEqual([...r.rewarded].sort());
    }
    const poor = world.orchestrators.filter((o) => o.behaviour.rewardCallP < 0.9).map((o) => o.address);
    const missed = plan.rounds.flatMap((r) => r.missed);
    if (poor.length > 0) expect(missed.length).toBeGreaterThan(0);
  });

  it('puts a TreasuryReward beside Rewards while the treasury is below its ceiling, never after', () => {
    const treasury = named('TreasuryReward');
    expect(treasury.length).toBeGreaterThan(0);
    for (const t of treasury) {
      const reward = plan.events.find((e) => e.eventName === 'Reward' && e.atMs === t.atMs && e.from === t.from);
      expect(reward).toBeDefined();
      expect(t.args.amount as bigint).toBeGreaterThan(0n);
      // 10 % of the minted share goes to the treasury, 90 % to the pool.
      const ratio = Number(((t.args.amount as bigint) * 1000n) / ((t.args.amount as bigint) + (reward!.args.amount as bigint)));
      expect(ratio).toBeGreaterThanOrEqual(99);
      expect(ratio).toBeLessThanOrEqual(100);
    }
    const roundOf = (t: number) => plan.rounds.find((r) => r.startMs <= t && t < r.startMs + plan.roundLengthMs)!;
    for (const t of treasury) expect(roundOf(t.atMs).treasuryActive).toBe(true);
    // The reward call that crosses the ceiling sets the next round's cut rate to zero.
    const ceiling = named('ParameterUpdate');
    expect(ceiling.length).toBeLessThanOrEqual(1);
    if (ceiling[0]) {
      expect(ceiling[0].args.param).toBe('nextRoundTreasuryRewardCutRate');
      const crossed = roundOf(ceiling[0].atMs).round;
      expect(treasury.every((t) => roundOf(t.atMs).round <= crossed)).toBe(true);
      expect(plan.rounds.filter((r) => r.round > crossed).every((r) => !r.treasuryActive)).toBe(true);
    }
  });

  it('registers every orchestrator before the first round: self-bond, commission, activation, service URI', () => {
    const firstInit = plan.rounds[0]!.initialisedAtMs;
    for (const o of world.orchestrators) {
      const own = plan.events.filter((e) => e.from === o.address && e.atMs < firstInit);
      expect(own.map((e) => e.eventName).sort()).toEqual(['Bond', 'ServiceURIUpdate', 'TranscoderActivated', 'TranscoderUpdate']);
      expect(own.find((e) => e.eventName === 'ServiceURIUpdate')!.args).toEqual({ addr: o.address, serviceURI: o.serviceUri });
      expect(own.find((e) => e.eventName === 'TranscoderUpdate')!.args).toMatchObject({ rewardCut: BigInt(o.rewardCutPpm), feeShare: BigInt(o.feeSharePpm) });
      const bonded = plan.events
        .filter((e) => e.eventName === 'Bond' && e.args.newDelegate === o.address && e.atMs < firstInit)
        .reduce((s, e) => s + (e.args.additionalAmount as bigint), 0n);
      expect(bonded).toBe(o.stakeWei);
    }
  });

  it('redeems every winning ticket minutes after its payment, with the ticket as the contract encodes it', () => {
    const redeemed = named('WinningTicketRedeemed');
    expect(redeemed).toHaveLength(payments.reduce((s, p) => s + p.winningTickets, 0));
    const pending = payments.flatMap((p) => Array.from({ length: p.winningTickets }, () => p));
    for (const e of redeemed) {
      const i = pending.findIndex((p) => p.sender === e.args.sender && p.recipient === e.args.recipient && p.faceValueWei === e.args.faceValue && e.atMs - p.atMs >= 60_000 && e.atMs - p.atMs <= 20 * 60_000);
      expect(i, `payment for redemption at ${e.atMs}`).toBeGreaterThanOrEqual(0);
      const p = pending.splice(i, 1)[0]!;
      expect(e.from).toBe(p.recipient);
      const aux = e.args.auxData as string;
      expect(aux).toMatch(/^0x[0-9a-f]{128}$/);
      const creationRound = roundAt(world.window, p.atMs);
      expect(BigInt(`0x${aux.slice(2, 66)}`)).toBe(BigInt(creationRound));
      expect(`0x${aux.slice(66)}`).toBe(roundBlockHash(world.options.seed, creationRound));
      const scaled = Number(((e.args.winProb as bigint) * 10n ** 12n) / MAX_UINT256) / 1e12;
      expect(scaled).toBeCloseTo(p.winProb, 9);
    }
    expect(pending).toHaveLength(0);
  });

  it('exports truth that adds up to the planned events', () => {
    const rewardWei = named('Reward').reduce((s, e) => s + (e.args.amount as bigint), 0n);
    const feeWei = named('WinningTicketRedeemed').reduce((s, e) => s + (e.args.faceValue as bigint), 0n);
    const days = plan.truth.orchestratorDays;
    expect(days.reduce((s, d) => s + d.rewardWei, 0n)).toBe(rewardWei);
    expect(days.reduce((s, d) => s + d.rewardCalls, 0)).toBe(named('Reward').length);
    expect(days.reduce((s, d) => s + d.missedRounds, 0)).toBe(plan.rounds.reduce((s, r) => s + r.missed.length, 0));
    expect(days.reduce((s, d) => s + d.feeWei, 0n)).toBe(feeWei);
    expect(plan.truth.gatewayOrchestratorDays.reduce((s, d) => s + d.feeWei, 0n)).toBe(feeWei);
    for (const d of plan.truth.gatewayOrchestratorDays) {
      const own = named('WinningTicketRedeemed').filter((e) => e.args.sender === d.gateway && e.args.recipient === d.orchestrator && isoDay(e.atMs) === d.day);
      expect(own.reduce((s, e) => s + (e.args.faceValue as bigint), 0n)).toBe(d.feeWei);
      expect(own).toHaveLength(d.winningTickets);
    }
  });

  it('refuses a malformed payment, naming it', () => {
    const bad = { ...payments[0]!, winningTickets: payments[0]!.numTickets + 1 };
    expect(() => planProtocol(world, [bad])).toThrow(UserError);
    expect(() => planProtocol(world, [{ ...payments[0]!, faceValueWei: 0n }])).toThrow(/payments\[0\].*faceValueWei/);
    expect(() => planProtocol(world, [{ ...payments[0]!, atMs: ms(world.window.from), winProb: 1.5 }])).toThrow(/winProb/);
  });
});
