// Plans the protocol's on-chain life over the world's window: rounds, reward calls (and the misses),
// registrations, commission changes, stake, gateway funding and the redemption of every winning
// ticket the gateways paid. network/chain mines the plan into the embedded chain; the truth it
// exports is what chain-derived metrics must recover.
import { isAddress, keccak256, toHex, type Hex } from 'viem';
import { UserError } from '../lib/errors.ts';
import { Rng } from '../lib/rng.ts';
import { isoDay, ms, type UnixMs, type Window } from '../lib/time.ts';
import type { Payment, ProtocolContract } from './activity.ts';
import type { Address, Orchestrator, World } from './world.ts';

/**
 * Simulated round length. Mainnet rounds are 5760 L1 blocks (~19 h); the embedded network keeps
 * the block count but compresses the time, so a one-day window holds four whole rounds.
 */
export const ROUND_MS = 6 * 3_600_000;
export const ROUND_LENGTH_L1_BLOCKS = 5760;
/** Round 2513 began in early March 2022 (livepeer-events rounds.json); later rounds follow at ~19.2 h. */
const ROUND_ANCHOR = { round: 2513, atMs: Date.UTC(2022, 2, 4) };
const MAINNET_ROUND_MS = ROUND_LENGTH_L1_BLOCKS * 12_000;
/** BondingManager's treasury share of minted rewards (treasuryRewardCutRate, 10 %). */
const TREASURY_CUT_PPM = 100_000n;
/** The protocol's Treasury on Arbitrum One (docs/sources.md §13.1). */
export const TREASURY_ADDRESS = '0xf82c1ff415f1fcf582554fdba790e27019c8e8c4' as Address;
const INFLATION_CHANGE = 500n;
const TARGET_BONDING_PPM = 500_000n;
const MAX_UINT256 = 2n ** 256n - 1n;
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as Address;
const WEI = 10n ** 18n;

export interface PlannedEvent {
  /** Whole seconds, in ms: the timestamp of the block that carries it. */
  atMs: UnixMs;
  contract: ProtocolContract;
  eventName: string;
  /** Argument values by ABI name: uint256 as bigint, addresses lowercase, bytes as hex. */
  args: Record<string, bigint | string>;
  /** Transaction sender; consecutive events with the same time and sender share a transaction. */
  from: Address;
}

export interface PlannedRound {
  round: number;
  startMs: UnixMs;
  /** Simulated L1 block the round starts at (round × 5760, as RoundsManager counts). */
  l1StartBlock: number;
  /** The block hash NewRound stores for the round; tickets created in it carry it in auxData. */
  blockHash: Hex;
  initialisedAtMs: UnixMs;
  mintableWei: bigint;
  /** Parts per 1e9 per round (Minter's currentInflation). */
  inflation: bigint;
  treasuryActive: boolean;
  rewarded: Address[];
  missed: Address[];
}

/** Per orchestrator per UTC day (day of the block time). Amounts in base units: LPT wei, ETH wei. */
export interface OrchestratorDayTruth {
  orchestrator: Address;
  day: string;
  /** Sum of Reward.amount (the orchestrator pool's share after the treasury cut), LPT wei. */
  rewardWei: bigint;
  rewardCalls: number;
  /** Rounds starting that day in which the orchestrator was active and did not call reward. */
  missedRounds: number;
  /** Face value of winning tickets redeemed that day, ETH wei. */
  feeWei: bigint;
  winningTickets: number;
}

export interface GatewayOrchestratorDayTruth {
  gateway: Address;
  orchestrator: Address;
  /** UTC day of the redemption block. */
  day: string;
  feeWei: bigint;
  winningTickets: number;
}

export interface ProtocolTruth {
  orchestratorDays: OrchestratorDayTruth[];
  gatewayOrchestratorDays: GatewayOrchestratorDayTruth[];
}

export interface ProtocolPlan {
  window: Window;
  roundLengthMs: number;
  roundLengthL1Blocks: number;
  /** Time-ordered; the order within a second is the order of the logs on chain. */
  events: PlannedEvent[];
  rounds: PlannedRound[];
  truth: ProtocolTruth;
}

/** The round in progress at `t` on the embedded network. */
export function roundAt(window: Window, t: number): number {
  const first = ROUND_ANCHOR.round + Math.floor((window.from - ROUND_ANCHOR.atMs) / MAINNET_ROUND_MS);
  return first + Math.floor((t - window.from) / ROUND_MS);
}

/** The simulated L1 block hash NewRound records for `round` (the block before the round starts). */
export function roundBlockHash(seed: string, round: number): Hex {
  return keccak256(toHex(`${seed}/l1-block/${round * ROUND_LENGTH_L1_BLOCKS - 1}`));
}

const address = (rng: Rng): Address => `0x${rng.hex(40)}` as Address;
const uint256 = (rng: Rng): bigint => BigInt(`0x${rng.hex(64)}`);
const wholeSecond = (t: number): UnixMs => ms(Math.floor(t / 1000) * 1000);
/** `n` whole tokens (LPT or ETH) in base units, to six decimals. */
const units = (n: number): bigint => BigInt(Math.round(n * 1e6)) * (WEI / 1_000_000n);

/** Validates a payment the session simulator handed over; the chain cannot redeem a malformed one. */
function checkPayment(p: Payment, i: number): void {
  const where = `payments[${i}] (gateway ${p.sender} -> ${p.recipient} at ${p.atMs})`;
  if (!isAddress(p.sender) || !isAddress(p.recipient)) throw new UserError(`${where}: sender and recipient must be 0x addresses`, 'pass the on-chain gateway and orchestrator addresses');
  if (typeof p.faceValueWei !== 'bigint' || p.faceValueWei <= 0n) throw new UserError(`${where}: faceValueWei must be a positive bigint`, 'convert "<n> WEI" / "<x> ETH" to wei before planning');
  if (!(p.winProb > 0 && p.winProb <= 1)) throw new UserError(`${where}: winProb ${p.winProb} is not a probability in (0, 1]`, 'pass the decimal win probability');
  if (!Number.isInteger(p.winningTickets) || p.winningTickets < 0 || p.winningTickets > p.numTickets) {
    throw new UserError(`${where}: winningTickets ${p.winningTickets} is not between 0 and numTickets ${p.numTickets}`, 'draw winners among the batch');
  }
}

/**
 * What redeeming tickets needs of the payments, gathered one payment at a time in time order: the
 * senders, each sender-recipient stream's ticket nonce, and the batches holding a winning ticket.
 * Losing batches, the great majority, are not kept.
 */
export class TicketLedger {
  readonly senders = new Set<Address>();
  readonly winners: { p: Payment; i: number; nonceBefore: number }[] = [];
  private readonly nonces = new Map<string, number>();
  private count = 0;

  add(p: Payment): void {
    const i = this.count++;
    checkPayment(p, i);
    const sender = p.sender.toLowerCase() as Address;
    const stream = `${sender}/${p.recipient.toLowerCase()}`;
    const before = this.nonces.get(stream) ?? 0;
    this.nonces.set(stream, before + p.numTickets);
    this.senders.add(sender);
    if (p.winningTickets > 0) this.winners.push({ p, i, nonceBefore: before });
  }

  /** A ledger of payments in any order (time order is restored; equal times keep their order). */
  static of(payments: Payment[]): TicketLedger {
    payments.forEach(checkPayment);
    const l = new TicketLedger();
    for (const { p } of payments.map((p, i) => ({ p, i })).sort((a, b) => a.p.atMs - b.p.atMs || a.i - b.i)) l.add(p);
    return l;
  }
}

export function planProtocol(world: World, payments: Payment[] | TicketLedger): ProtocolPlan {
  const ledger = Array.isArray(payments) ? TicketLedger.of(payments) : payments;
  const { seed } = world.options;
  const rng = new Rng(seed).fork('protocol');
  const window = world.window;
  const events: PlannedEvent[] = [];
  const push = (e: PlannedEvent) => events.push({ ...e, atMs: wholeSecond(e.atMs) });
  const active = world.orchestrators.filter((o) => o.active);
  const firstRound = roundAt(window, window.from);

  // Registration: each orchestrator bonds to itself, sets its commission, activates and
  // publishes its service URI a few seconds into the window, before the first round starts.
  const stake = new Map<Address, bigint>();
  const commission = new Map<Address, number>();
  for (const o of world.orchestrators) {
    const r = rng.fork(`register/${o.index}`);
    const t = window.from + r.int(5, 50) * 1000;
    const selfShare = r.float(0.2, 1);
    const selfBond = (o.stakeWei * BigInt(Math.round(selfShare * 1e6))) / 1_000_000n;
    push(bond(t, o.address, o.address, selfBond));
    let rest = o.stakeWei - selfBond;
    const delegators = rest > 0n ? r.int(1, 3) : 0;
    for (let d = 0; d < delegators; d++) {
      const amount = d === delegators - 1 ? rest : rest / 2n;
      rest -= amount;
      push(bond(t + 1_000 + d * 1_000, o.address, address(r), amount));
    }
    push({ atMs: ms(t + 2_000), contract: 'BondingManager', eventName: 'TranscoderUpdate', from: o.address, args: { transcoder: o.address, rewardCut: BigInt(o.rewardCutPpm), feeShare: BigInt(o.feeSharePpm) } });
    if (o.active) {
      push({ atMs: ms(t + 2_000), contract: 'BondingManager', eventName: 'TranscoderActivated', from: o.address, args: { transcoder: o.address, activationRound: BigInt(firstRound) } });
    }
    push({ atMs: ms(t + 3_000), contract: 'ServiceRegistry', eventName: 'ServiceURIUpdate', from: o.address, args: { addr: o.address, serviceURI: o.serviceUri } });
    // Rewards split the round's mintable tokens over the active stake only.
    if (o.active) stake.set(o.address, o.stakeWei);
    commission.set(o.address, o.rewardCutPpm);
  }

  // Stake that arrives mid-window and the occasional commission change.
  const laterBonds: { atMs: number; orchestrator: Address; amount: bigint }[] = [];
  for (const o of active) {
    const r = rng.fork(`midwindow/${o.index}`);
    const span = window.to - window.from;
    if (r.chance(0.25)) {
      const t = window.from + r.float(0.05, 0.95) * span;
      const amount = units(r.int(500, 40_000));
      push(bond(t, o.address, address(r), amount));
      laterBonds.push({ atMs: wholeSecond(t), orchestrator: o.address, amount });
    }
    if (r.chance(0.15)) {
      const t = window.from + r.float(0.05, 0.95) * span;
      const cut = r.pick([50_000, 100_000, 150_000, 200_000, 250_000].filter((c) => c !== commission.get(o.address)));
      push({ atMs: ms(t), contract: 'BondingManager', eventName: 'TranscoderUpdate', from: o.address, args: { transcoder: o.address, rewardCut: BigInt(cut), feeShare: BigInt(o.feeSharePpm) } });
    }
  }

  const rounds = planRounds(world, active, stake, laterBonds, rng.fork('rounds'), push);
  const redemptions = planRedemptions(world, ledger, rng.fork('tickets'), push);
  events.sort((a, b) => a.atMs - b.atMs);
  return {
    window,
    roundLengthMs: ROUND_MS,
    roundLengthL1Blocks: ROUND_LENGTH_L1_BLOCKS,
    events,
    rounds,
    truth: buildTruth(rounds, events, redemptions),
  };
}

function bond(t: number, delegate: Address, delegator: Address, amount: bigint): PlannedEvent {
  return {
    atMs: ms(t),
    contract: 'BondingManager',
    eventName: 'Bond',
    from: delegator,
    args: { newDelegate: delegate, oldDelegate: ZERO_ADDRESS, delegator, additionalAmount: amount, bondedAmount: amount },
  };
}

/** Rounds, their initialisation (Minter then RoundsManager, one transaction) and reward calls. */
function planRounds(
  world: World,
  active: Orchestrator[],
  stake: Map<Address, bigint>,
  laterBonds: { atMs: number; orchestrator: Address; amount: bigint }[],
  rng: Rng,
  push: (e: PlannedEvent) => void,
): PlannedRound[] {
  const { window } = world;
  const rounds: PlannedRound[] = [];
  const totalStake = () => [...stake.values()].reduce((s, v) => s + v, 0n);
  // Supply sized so about half of it is bonded, as on mainnet; inflation nudges toward 50 %.
  let totalSupply = (totalStake() * 1_000_000n) / BigInt(rng.int(450_000, 550_000));
  let inflation = BigInt(rng.int(280_000, 320_000));
  // The treasury takes its cut until its balance reaches the ceiling; the reward call that crosses
  // it sets next round's cut rate to zero (BondingManager's treasuryBalanceCeiling rule).
  let treasuryHeadroom = (((totalSupply * inflation) / 1_000_000_000n) * TREASURY_CUT_PPM * BigInt(rng.int(120, 280))) / 100_000_000n;
  let treasuryActive = true;
  let bondsApplied = 0;
  laterBonds.sort((x, y) => x.atMs - y.atMs);
  for (let start: number = window.from; start < window.to; start += ROUND_MS) {
    const round = roundAt(window, start);
    const r = rng.fork(`round/${round}`);
    const initAt = wholeSecond(start + r.int(60, 600) * 1000);
    for (; bondsApplied < laterBonds.length; bondsApplied++) {
      const b = laterBonds[bondsApplied]!;
      if (b.atMs >= initAt) break;
      stake.set(b.orchestrator, stake.get(b.orchestrator)! + b.amount);
    }
    const bonded = totalStake();
    inflation = (bonded * 1_000_000n) / totalSupply < TARGET_BONDING_PPM ? inflation + INFLATION_CHANGE : inflation - INFLATION_CHANGE;
    const mintable = (totalSupply * inflation) / 1_000_000_000n;
    const blockHash = roundBlockHash(world.options.seed, round);
    // Anyone may initialise a round; in practice an orchestrator's node does.
    const initialiser = r.pick(world.orchestrators).address;
    push({ atMs: initAt, contract: 'Minter', eventName: 'SetCurrentRewardTokens', from: initialiser, args: { currentMintableTokens: mintable, currentInflation: inflation } });
    push({ atMs: initAt, contract: 'RoundsManager', eventName: 'NewRound', from: initialiser, args: { round: BigInt(round), blockHash } });
    let ceilingReached = false;
    const missed: Address[] = [];
    const calls: { o: Orchestrator; t: number }[] = [];
    for (const o of active) {
      if (r.chance(o.behaviour.rewardCallP)) calls.push({ o, t: wholeSecond(initAt + r.int(60, 7_200) * 1000) });
      else missed.push(o.address);
    }
    calls.sort((a, b) => a.t - b.t || a.o.index - b.o.index);
    const minted = new Map<Address, bigint>();
    for (const { o, t } of calls) {
      const share = (mintable * stake.get(o.address)!) / bonded;
      const treasury = treasuryActive ? (share * TREASURY_CUT_PPM) / 1_000_000n : 0n;
      if (treasury > 0n) {
        push({ atMs: ms(t), contract: 'BondingManager', eventName: 'TreasuryReward', from: o.address, args: { transcoder: o.address, treasury: TREASURY_ADDRESS, amount: treasury } });
        treasuryHeadroom -= treasury;
        if (treasuryHeadroom <= 0n && !ceilingReached) {
          push({ atMs: ms(t), contract: 'BondingManager', eventName: 'ParameterUpdate', from: o.address, args: { param: 'nextRoundTreasuryRewardCutRate' } });
          ceilingReached = true;
        }
      }
      push({ atMs: ms(t), contract: 'BondingManager', eventName: 'Reward', from: o.address, args: { transcoder: o.address, amount: share - treasury } });
      minted.set(o.address, share - treasury);
      totalSupply += share;
    }
    // Rewards join the pool's stake from the next round on.
    for (const [a, v] of minted) stake.set(a, stake.get(a)! + v);
    rounds.push({ round, startMs: ms(start), l1StartBlock: round * ROUND_LENGTH_L1_BLOCKS, blockHash, initialisedAtMs: initAt, mintableWei: mintable, inflation, treasuryActive, rewarded: calls.map((c) => c.o.address), missed });
    if (ceilingReached) treasuryActive = false;
  }
  return rounds;
}

interface Redemption {
  atMs: UnixMs;
  gateway: Address;
  orchestrator: Address;
  faceValueWei: bigint;
}

/** One WinningTicketRedeemed per winning ticket, redeemed by its recipient minutes after payment. */
function planRedemptions(world: World, ledger: TicketLedger, rng: Rng, push: (e: PlannedEvent) => void): Redemption[] {
  const { window } = world;
  const out: Redemption[] = [];
  const senders = [...ledger.senders].sort();
  const deposit = new Map<Address, bigint>();
  for (const [k, sender] of senders.entries()) {
    const r = rng.fork(`fund/${sender}`);
    const t = window.from + 1_000 + k * 1_000;
    const amount = units(r.float(0.5, 3));
    push({ atMs: ms(t), contract: 'TicketBroker', eventName: 'DepositFunded', from: sender, args: { sender, amount } });
    push({ atMs: ms(t), contract: 'TicketBroker', eventName: 'ReserveFunded', from: sender, args: { reserveHolder: sender, amount: units(r.float(0.2, 1)) } });
    deposit.set(sender, amount);
  }
  for (const { p, i, nonceBefore: before } of ledger.winners) {
    const sender = p.sender.toLowerCase() as Address;
    const recipient = p.recipient.toLowerCase() as Address;
    const r = rng.fork(`payment/${i}`);
    const creationRound = roundAt(window, p.atMs);
    const auxData = `0x${BigInt(creationRound).toString(16).padStart(64, '0')}${roundBlockHash(world.options.seed, creationRound).slice(2)}` as Hex;
    const winProb = (MAX_UINT256 * BigInt(Math.round(p.winProb * 1e15))) / 10n ** 15n;
    const positions = pickDistinct(r, p.numTickets, p.winningTickets);
    let t = p.atMs + r.int(60, 480) * 1000;
    for (const pos of positions) {
      t += r.int(1, 20) * 1000;
      if (deposit.get(sender)! < p.faceValueWei) {
        // The gateway tops up before its deposit runs dry, as go-livepeer's deposit manager does.
        const topUp = p.faceValueWei * 50n;
        push({ atMs: ms(t - 1_000), contract: 'TicketBroker', eventName: 'DepositFunded', from: sender, args: { sender, amount: topUp } });
        deposit.set(sender, deposit.get(sender)! + topUp);
      }
      deposit.set(sender, deposit.get(sender)! - p.faceValueWei);
      push({
        atMs: ms(t),
        contract: 'TicketBroker',
        eventName: 'WinningTicketRedeemed',
        from: recipient,
        args: { sender, recipient, faceValue: p.faceValueWei, winProb, senderNonce: BigInt(before + pos), recipientRand: uint256(r), auxData },
      });
      out.push({ atMs: wholeSecond(t), gateway: sender, orchestrator: recipient, faceValueWei: p.faceValueWei });
    }
  }
  return out;
}

/** `count` distinct ticket positions in 1..n, ascending. */
function pickDistinct(rng: Rng, n: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(1, n));
  return [...chosen].sort((a, b) => a - b);
}

function buildTruth(rounds: PlannedRound[], events: PlannedEvent[], redemptions: Redemption[]): ProtocolTruth {
  const days = new Map<string, OrchestratorDayTruth>();
  const orchDay = (orchestrator: Address, day: string) => {
    const key = `${orchestrator}/${day}`;
    let d = days.get(key);
    if (!d) days.set(key, (d = { orchestrator, day, rewardWei: 0n, rewardCalls: 0, missedRounds: 0, feeWei: 0n, winningTickets: 0 }));
    return d;
  };
  for (const e of events) {
    if (e.eventName !== 'Reward') continue;
    const d = orchDay(e.args.transcoder as Address, isoDay(e.atMs));
    d.rewardWei += e.args.amount as bigint;
    d.rewardCalls++;
  }
  for (const r of rounds) for (const o of r.missed) orchDay(o, isoDay(r.startMs)).missedRounds++;
  const pairs = new Map<string, GatewayOrchestratorDayTruth>();
  for (const x of redemptions) {
    const day = isoDay(x.atMs);
    const d = orchDay(x.orchestrator, day);
    d.feeWei += x.faceValueWei;
    d.winningTickets++;
    const key = `${x.gateway}/${x.orchestrator}/${day}`;
    let g = pairs.get(key);
    if (!g) pairs.set(key, (g = { gateway: x.gateway, orchestrator: x.orchestrator, day, feeWei: 0n, winningTickets: 0 }));
    g.feeWei += x.faceValueWei;
    g.winningTickets++;
  }
  const byKey = <T>(key: (v: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    orchestratorDays: [...days.values()].sort(byKey((d) => `${d.day}/${d.orchestrator}`)),
    gatewayOrchestratorDays: [...pairs.values()].sort(byKey((d) => `${d.day}/${d.gateway}/${d.orchestrator}`)),
  };
}
