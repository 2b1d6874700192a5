// Applies the Livepeer subgraph's mapping rules (docs/sources.md §6.2–6.4) to mined logs and keeps
// the resulting entities, versioned by block. The real mappings read contract state with eth_call
// (getDelegator, getTotalBonded, the transcoder pool); here a small ledger rebuilt from the same logs
// answers those reads, so every value is a function of the logs alone.
import type { MinedLog } from '../activity.ts';
import { BigDecimal } from './decimal.ts';
import { readModel, type EntityModel } from './model.ts';
import { EntityStore, type BlockPtr, type EntityData, type Value } from './store.ts';

/** The subgraph's "active" sentinel: helpers.ts computes 2^255 − 1 (not the contracts' 2^256 − 1); real entities carry this value. */
export const DEACTIVATION_SENTINEL = 2n ** 255n - 1n;
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const DAY_S = 86_400;

/**
 * Protocol parameters the real mappings read from contracts. Defaults: RoundsManager 5760-block
 * rounds and a 10 % lock (livepeer/protocol deploy config), 100 active transcoders and a 7-round
 * unbonding period (BondingManager), the Minter's Arbitrum deployment arguments
 * (inflationChange 500, targetBondingRate 500000000; deployments/arbitrumMainnet/Minter.json).
 */
export interface ProtocolParams {
  roundLength: bigint;
  roundLockAmount: bigint;
  numActiveTranscoders: bigint;
  unbondingPeriod: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
}

export const DEFAULT_PARAMS: ProtocolParams = {
  roundLength: 5760n,
  roundLockAmount: 100_000n,
  numActiveTranscoders: 100n,
  unbondingPeriod: 7n,
  inflationChange: 500n,
  targetBondingRate: 500_000_000n,
};

export interface IndexerOptions {
  params?: Partial<ProtocolParams>;
  /** Round in effect before the first NewRound log; default: one before the first NewRound, else 0. */
  initialRound?: bigint;
  /**
   * The prices the mappings read from Uniswap V3 pools at index time. The embedded chain has no
   * pools, so these are fixed simulator values (decimal text).
   */
  ethPriceUsd?: string;
  lptPriceEth?: string;
}

export interface IndexStats {
  /** Logs handled, by `Contract.Event`. */
  handled: Record<string, number>;
  /** Logs this indexer has no handler for, by `Contract.Event` (TreasuryReward: the real subgraph has none either). */
  ignored: Record<string, number>;
  /** Rewards for a transcoder with no pool that round (the real mapping would fail; we create the pool). */
  poolsCreatedOnReward: number;
}

const PERC_DIVISOR = 1_000_000n;
const PERC_DIVISOR_V2 = 1_000_000_000n;

class LogError extends Error {
  constructor(log: MinedLog, what: string) {
    super(`log ${log.contract}.${log.eventName} (block ${log.blockNumber}, tx ${log.transactionHash}, log index ${log.logIndex}): ${what}`);
    this.name = 'LogError';
  }
}

function big(log: MinedLog, name: string): bigint {
  const v = log.args[name];
  if (typeof v !== 'bigint') throw new LogError(log, `argument ${name} is ${typeof v}, expected a uint256 as bigint`);
  return v;
}

function address(log: MinedLog, name: string): string {
  const v = log.args[name];
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new LogError(log, `argument ${name} is not an address: ${String(v)}`);
  return v.toLowerCase();
}

function hex(log: MinedLog, name: string): string {
  const v = log.args[name];
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new LogError(log, `argument ${name} is not hex bytes: ${String(v)}`);
  return v.toLowerCase();
}

function text(log: MinedLog, name: string): string {
  const v = log.args[name];
  if (typeof v !== 'string') throw new LogError(log, `argument ${name} is not a string`);
  return v;
}

const leftPad = (s: string, size: number) => s.padStart(size, '0');
export const poolId = (round: bigint | string, transcoder: string) => `${leftPad(String(round), 10)}-${transcoder}`;
export const eventId = (log: Pick<MinedLog, 'transactionHash' | 'logIndex'>) => `${log.transactionHash.toLowerCase()}-${log.logIndex}`;
export const dayNumber = (timestamp: number) => Math.floor(timestamp / DAY_S);
const dec = (v: Value | undefined): BigDecimal => v as BigDecimal;
const bi = (v: Value | undefined): bigint => v as bigint;
const ids = (v: Value | undefined): string[] => v as string[];

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof BigDecimal && b instanceof BigDecimal) return a.cmp(b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return (a ?? null) === (b ?? null);
}

function sameEntity(a: EntityData, b: EntityData | undefined): boolean {
  if (!b) return false;
  let count = 0;
  for (const k in a) {
    if (!sameValue(a[k], b[k])) return false;
    count++;
  }
  for (const k in b) if (--count < 0 || !(k in a)) return false;
  return count === 0;
}

/** The entities one log touches: loaded once, mutated in place, saved together at the log's block. */
class Batch {
  private readonly touched = new Map<string, { type: string; data: EntityData }>();
  constructor(
    private readonly store: EntityStore,
    readonly log: MinedLog,
  ) {}

  load(type: string, id: string): EntityData | undefined {
    const hit = this.touched.get(`${type}:${id}`);
    if (hit) return hit.data;
    const stored = this.store.latest(type, id);
    if (!stored) return undefined;
    const copy: EntityData = { id };
    for (const k in stored) {
      const v = stored[k];
      copy[k] = Array.isArray(v) ? [...v] : v;
    }
    this.touched.set(`${type}:${id}`, { type, data: copy });
    return copy;
  }

  /** Reads without taking the entity into the batch; the result must not be mutated. */
  peek(type: string, id: string): EntityData | undefined {
    const hit = this.touched.get(`${type}:${id}`);
    return hit ? hit.data : this.store.latest(type, id);
  }

  loadOrCreate(type: string, id: string, init: () => Omit<EntityData, 'id'>): EntityData {
    return this.load(type, id) ?? this.create(type, { id, ...init() });
  }

  create(type: string, data: EntityData): EntityData {
    this.touched.set(`${type}:${data.id}`, { type, data });
    return data;
  }

  /** Saves what changed; entities only read keep their version, as when a mapping does not save them. */
  commit(): void {
    for (const { type, data } of this.touched.values()) {
      if (!sameEntity(data, this.store.latest(type, data.id))) this.store.save(type, data, this.log.blockNumber);
    }
  }
}

/** Contract state the mappings would read with eth_call, rebuilt from the logs. */
interface Ledger {
  /** getDelegator(d).bondedAmount */
  bonded: Map<string, bigint>;
  /** getDelegator(t).delegatedAmount: stake delegated to each transcoder, its own included */
  delegated: Map<string, bigint>;
  /** getDelegator(d).startRound */
  startRound: Map<string, bigint>;
}

export class SubgraphIndexer {
  readonly store: EntityStore;
  readonly stats: IndexStats = { handled: {}, ignored: {}, poolsCreatedOnReward: 0 };
  private readonly blocks = new Map<number, BlockPtr>();
  private readonly params: ProtocolParams;
  private readonly ethPriceUsd: BigDecimal;
  private readonly lptPriceEth: BigDecimal;
  private readonly ledger: Ledger = { bonded: new Map(), delegated: new Map(), startRound: new Map() };
  private readonly transcoders = new Set<string>();
  private currentRound: bigint | undefined;
  private initialRound: bigint | undefined;
  private newRoundByTx = new Map<string, bigint>();
  private lastPosition: [number, number] = [-1, -1];

  constructor(
    readonly model: EntityModel = readModel(),
    opts: IndexerOptions = {},
  ) {
    this.store = new EntityStore(model);
    this.params = { ...DEFAULT_PARAMS, ...opts.params };
    this.ethPriceUsd = BigDecimal.parse(opts.ethPriceUsd ?? '3000');
    this.lptPriceEth = BigDecimal.parse(opts.lptPriceEth ?? '0.003');
    this.initialRound = opts.initialRound;
  }

  /** Blocks that carried indexed logs, ascending. */
  get indexedBlocks(): BlockPtr[] {
    return [...this.blocks.values()];
  }

  get head(): BlockPtr | undefined {
    const all = this.indexedBlocks;
    return all[all.length - 1];
  }

  /** Applies logs that come after everything applied so far; sorts them by block and log index. */
  apply(logs: readonly MinedLog[]): void {
    const sorted = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    // The round of a log is fixed by the L1 block in the real mapping, so logs in a round's
    // initialising transaction (e.g. SetCurrentRewardTokens before NewRound) already belong to it.
    this.newRoundByTx = new Map();
    for (const log of sorted) {
      if (log.contract === 'RoundsManager' && log.eventName === 'NewRound') this.newRoundByTx.set(log.transactionHash.toLowerCase(), big(log, 'round'));
    }
    if (this.initialRound === undefined) {
      const first = sorted.find((l) => l.contract === 'RoundsManager' && l.eventName === 'NewRound');
      this.initialRound = first ? (big(first, 'round') > 0n ? big(first, 'round') - 1n : 0n) : 0n;
    }
    for (const log of sorted) this.applyOne(log);
  }

  private applyOne(log: MinedLog): void {
    const [lastBlock, lastIndex] = this.lastPosition;
    if (log.blockNumber === lastBlock && log.logIndex === lastIndex) throw new LogError(log, 'duplicate log (same block and log index)');
    if (log.blockNumber < lastBlock || (log.blockNumber === lastBlock && log.logIndex < lastIndex)) {
      throw new LogError(log, `arrives after block ${lastBlock} log index ${lastIndex} was indexed`);
    }
    this.lastPosition = [log.blockNumber, log.logIndex];
    const known = this.blocks.get(log.blockNumber);
    if (known && known.hash !== log.blockHash.toLowerCase()) throw new LogError(log, `block hash ${log.blockHash} differs from ${known.hash} seen earlier in the same block`);
    if (!known) this.blocks.set(log.blockNumber, { number: log.blockNumber, hash: log.blockHash.toLowerCase(), timestamp: log.blockTimestamp });

    const key = `${log.contract}.${log.eventName}`;
    const handler = this.handlers[key];
    if (!handler) {
      this.stats.ignored[key] = (this.stats.ignored[key] ?? 0) + 1;
      return;
    }
    const b = new Batch(this.store, log);
    handler(b, log);
    b.commit();
    this.stats.handled[key] = (this.stats.handled[key] ?? 0) + 1;
  }

  private roundOf(log: MinedLog): bigint {
    return this.newRoundByTx.get(log.transactionHash.toLowerCase()) ?? this.currentRound ?? this.initialRound ?? 0n;
  }

  // ---- helpers.ts equivalents ----------------------------------------------------------------

  private protocol(b: Batch, firstRound: bigint): EntityData {
    const p = this.params;
    return b.loadOrCreate('Protocol', '0', () => ({
      paused: false,
      // The real mapping starts these at round "0" and fixes them with RoundsManager.ParameterUpdate;
      // with no such log here they point at the first round, so no reference dangles.
      currentRound: firstRound.toString(),
      lastInitializedRound: firstRound.toString(),
      lastRoundLengthUpdateRound: firstRound.toString(),
      lastRoundLengthUpdateStartBlock: firstRound * p.roundLength,
      roundLength: p.roundLength,
      roundLockAmount: p.roundLockAmount,
      lockPeriod: (p.roundLength * p.roundLockAmount) / PERC_DIVISOR,
      unbondingPeriod: p.unbondingPeriod,
      numActiveTranscoders: p.numActiveTranscoders,
      targetBondingRate: p.targetBondingRate,
      inflationChange: p.inflationChange,
      inflation: 0n,
      activeTranscoderCount: 0n,
      totalActiveStake: BigDecimal.ZERO,
      totalSupply: BigDecimal.ZERO,
      participationRate: BigDecimal.ZERO,
      totalVolumeETH: BigDecimal.ZERO,
      totalVolumeUSD: BigDecimal.ZERO,
      winningTicketCount: 0,
      roundCount: 0,
      lptPriceEth: BigDecimal.ZERO,
      activeBroadcasters: [],
      delegatorsCount: 0n,
      pendingActivation: [],
      pendingDeactivation: [],
    }));
  }

  private round(b: Batch, n: bigint = this.roundOf(b.log)): EntityData {
    const protocol = this.protocol(b, n);
    const existing = b.load('Round', n.toString());
    if (existing) return existing;
    protocol.roundCount = (protocol.roundCount as number) + 1;
    protocol.currentRound = n.toString();
    const length = bi(protocol.roundLength);
    return b.create('Round', {
      id: n.toString(),
      startBlock: n * length,
      endBlock: n * length + length,
      length,
      initialized: false,
      startTimestamp: 0,
      totalActiveStake: protocol.totalActiveStake!,
      totalSupply: protocol.totalSupply!,
      participationRate: protocol.participationRate!,
      mintableTokens: BigDecimal.ZERO,
      volumeETH: BigDecimal.ZERO,
      volumeUSD: BigDecimal.ZERO,
      movedStake: BigDecimal.ZERO,
      newStake: BigDecimal.ZERO,
      delegatorsCount: 0n,
      numActiveTranscoders: 0n,
      activeTranscoderCount: 0n,
      inflation: 0n,
    });
  }

  private account(b: Batch, id: string): EntityData {
    const account = b.loadOrCreate('LivepeerAccount', id, () => ({ delegator: ZERO_ADDRESS, delegate: ZERO_ADDRESS, lastUpdatedTimestamp: 0 }));
    account.lastUpdatedTimestamp = b.log.blockTimestamp;
    return account;
  }

  private transcoder(b: Batch, id: string): EntityData {
    this.transcoders.add(id);
    const t = b.loadOrCreate('Transcoder', id, () => ({
      activationTimestamp: 0,
      activationRound: 0n,
      deactivationRound: 0n,
      lastActiveStakeUpdateRound: 0n,
      active: false,
      status: 'NotRegistered',
      rewardCut: 0n,
      rewardCutUpdateTimestamp: 0,
      feeShare: 0n,
      feeShareUpdateTimestamp: 0,
      totalStake: BigDecimal.ZERO,
      totalVolumeETH: BigDecimal.ZERO,
      totalVolumeUSD: BigDecimal.ZERO,
      thirtyDayVolumeETH: BigDecimal.ZERO,
      sixtyDayVolumeETH: BigDecimal.ZERO,
      ninetyDayVolumeETH: BigDecimal.ZERO,
      transcoderDays: [],
    }));
    this.account(b, id).delegate = id;
    return t;
  }

  private delegator(b: Batch, id: string): EntityData {
    const d = b.loadOrCreate('Delegator', id, () => ({
      startRound: 0n,
      bondedAmount: BigDecimal.ZERO,
      principal: BigDecimal.ZERO,
      unbonded: BigDecimal.ZERO,
      fees: BigDecimal.ZERO,
      withdrawnFees: BigDecimal.ZERO,
      delegatedAmount: BigDecimal.ZERO,
    }));
    this.account(b, id).delegator = id;
    return d;
  }

  private broadcaster(b: Batch, id: string): EntityData {
    return b.loadOrCreate('Broadcaster', id, () => ({
      deposit: BigDecimal.ZERO,
      reserve: BigDecimal.ZERO,
      totalVolumeETH: BigDecimal.ZERO,
      totalVolumeUSD: BigDecimal.ZERO,
      thirtyDayVolumeETH: BigDecimal.ZERO,
      sixtyDayVolumeETH: BigDecimal.ZERO,
      ninetyDayVolumeETH: BigDecimal.ZERO,
      firstFundedDay: 0,
      firstActiveDay: 0,
      lastFundedDay: 0,
      lastActiveDay: 0,
      broadcasterDays: [],
    }));
  }

  private day(b: Batch): EntityData {
    const n = dayNumber(b.log.blockTimestamp);
    return b.loadOrCreate('Day', String(n), () => ({
      date: n * DAY_S,
      volumeETH: BigDecimal.ZERO,
      volumeUSD: BigDecimal.ZERO,
      totalSupply: BigDecimal.ZERO,
      totalActiveStake: BigDecimal.ZERO,
      participationRate: BigDecimal.ZERO,
      delegatorsCount: 0n,
      numActiveTranscoders: 0n,
      activeTranscoderCount: 0n,
      inflation: 0n,
    }));
  }

  private accountDay(b: Batch, type: 'TranscoderDay' | 'BroadcasterDay', field: 'transcoder' | 'broadcaster', owner: string): EntityData {
    const n = dayNumber(b.log.blockTimestamp);
    return b.loadOrCreate(type, `${owner}-${n}`, () => ({ date: n * DAY_S, [field]: owner, volumeETH: BigDecimal.ZERO, volumeUSD: BigDecimal.ZERO }));
  }

  private transaction(b: Batch): void {
    const log = b.log;
    // A log carries no gas data; `to` is the contract the transaction reached, taken as the emitter.
    b.loadOrCreate('Transaction', log.transactionHash.toLowerCase(), () => ({
      blockNumber: BigInt(log.blockNumber),
      timestamp: log.blockTimestamp,
      gasUsed: 0n,
      gasPrice: 0n,
      from: log.from.toLowerCase(),
      to: log.address.toLowerCase(),
    }));
  }

  /** Creates the event entity with the fields every `Event` shares. */
  private event(b: Batch, type: string, round: EntityData, fields: Omit<EntityData, 'id'>): void {
    this.transaction(b);
    b.create(type, { id: eventId(b.log), transaction: b.log.transactionHash.toLowerCase(), timestamp: b.log.blockTimestamp, round: round.id, ...fields });
  }

  private stakeOf(id: string): BigDecimal {
    return BigDecimal.fromUnits(this.ledger.delegated.get(id) ?? 0n);
  }

  // ---- handlers (src/mappings/*.ts) ---------------------------------------------------------

  private readonly handlers: Record<string, (b: Batch, log: MinedLog) => void> = {
    'BondingManager.Bond': (b, log) => {
      const newDelegate = address(log, 'newDelegate');
      const oldDelegate = address(log, 'oldDelegate');
      const delegatorId = address(log, 'delegator');
      const additional = big(log, 'additionalAmount');
      const bonded = big(log, 'bondedAmount');
      const previous = bonded - additional;
      const moving = previous > 0n && oldDelegate !== newDelegate;
      const l = this.ledger;
      if (moving) l.delegated.set(oldDelegate, (l.delegated.get(oldDelegate) ?? 0n) - previous);
      l.delegated.set(newDelegate, (l.delegated.get(newDelegate) ?? 0n) + (moving ? bonded : additional));
      l.bonded.set(delegatorId, bonded);
      if (!l.startRound.has(delegatorId) || moving || previous === 0n) l.startRound.set(delegatorId, this.roundOf(log) + 1n);

      const round = this.round(b);
      const transcoder = this.transcoder(b, newDelegate);
      const delegate = this.delegator(b, newDelegate);
      const delegator = this.delegator(b, delegatorId);
      const protocol = this.protocol(b, this.roundOf(log));
      if (delegatorId === newDelegate) {
        transcoder.status = 'Registered';
        transcoder.delegator = delegatorId;
      }
      if (moving) {
        const oldTranscoder = this.transcoder(b, oldDelegate);
        const oldDelegator = this.delegator(b, oldDelegate);
        if (oldDelegate === delegatorId) {
          oldTranscoder.status = 'NotRegistered';
          oldTranscoder.delegator = null;
        }
        oldTranscoder.totalStake = this.stakeOf(oldDelegate);
        oldDelegator.delegatedAmount = this.stakeOf(oldDelegate);
        round.movedStake = dec(round.movedStake).plus(BigDecimal.fromUnits(previous));
        round.newStake = dec(round.newStake).plus(BigDecimal.fromUnits(additional));
      }
      if (oldDelegate === ZERO_ADDRESS) {
        round.delegatorsCount = bi(round.delegatorsCount) + 1n;
        protocol.delegatorsCount = bi(protocol.delegatorsCount) + 1n;
      }
      transcoder.totalStake = this.stakeOf(newDelegate);
      delegate.delegatedAmount = this.stakeOf(newDelegate);
      delegator.delegate = newDelegate;
      delegator.lastClaimRound = round.id;
      delegator.bondedAmount = BigDecimal.fromUnits(bonded);
      delegator.startRound = l.startRound.get(delegatorId)!;
      delegator.principal = dec(delegator.principal).plus(BigDecimal.fromUnits(additional));
      this.event(b, 'BondEvent', round, {
        newDelegate,
        oldDelegate,
        delegator: delegatorId,
        bondedAmount: BigDecimal.fromUnits(bonded),
        additionalAmount: BigDecimal.fromUnits(additional),
      });
    },

    'BondingManager.Unbond': (b, log) => {
      const delegateId = address(log, 'delegate');
      const delegatorId = address(log, 'delegator');
      const lockId = big(log, 'unbondingLockId');
      const amount = big(log, 'amount');
      const withdrawRound = big(log, 'withdrawRound');
      const l = this.ledger;
      const bonded = (l.bonded.get(delegatorId) ?? 0n) - amount;
      if (bonded < 0n) throw new LogError(log, `unbonds ${amount} from ${delegatorId}, which has only ${bonded + amount} bonded`);
      l.bonded.set(delegatorId, bonded);
      l.delegated.set(delegateId, (l.delegated.get(delegateId) ?? 0n) - amount);

      const delegator = this.delegator(b, delegatorId);
      const round = this.round(b);
      const transcoder = this.transcoder(b, delegateId);
      const delegate = this.delegator(b, delegateId);
      const protocol = this.protocol(b, this.roundOf(log));
      delegate.delegatedAmount = this.stakeOf(delegateId);
      transcoder.totalStake = this.stakeOf(delegateId);
      delegator.lastClaimRound = round.id;
      delegator.bondedAmount = BigDecimal.fromUnits(bonded);
      delegator.unbonded = dec(delegator.unbonded).plus(BigDecimal.fromUnits(amount));
      if (bonded === 0n) {
        if (delegatorId === delegateId) {
          transcoder.status = 'NotRegistered';
          transcoder.delegator = null;
        }
        delegator.delegate = null;
        round.delegatorsCount = bi(round.delegatorsCount) - 1n;
        protocol.delegatorsCount = bi(protocol.delegatorsCount) - 1n;
      }
      b.create('UnbondingLock', {
        id: `${leftPad(lockId.toString(), 10)}-${delegatorId}`,
        unbondingLockId: Number(lockId),
        delegator: delegatorId,
        sender: delegatorId,
        delegate: delegateId,
        withdrawRound,
        amount: BigDecimal.fromUnits(amount),
      });
      this.event(b, 'UnbondEvent', round, {
        amount: BigDecimal.fromUnits(amount),
        withdrawRound,
        unbondingLockId: Number(lockId),
        delegate: delegateId,
        delegator: delegatorId,
      });
    },

    'BondingManager.Reward': (b, log) => {
      const id = address(log, 'transcoder');
      const amount = BigDecimal.fromUnits(big(log, 'amount'));
      this.ledger.delegated.set(id, (this.ledger.delegated.get(id) ?? 0n) + big(log, 'amount'));
      const transcoder = this.transcoder(b, id);
      const delegate = this.delegator(b, id);
      const round = this.round(b);
      let pool = b.load('Pool', poolId(round.id, id));
      if (!pool) {
        this.stats.poolsCreatedOnReward++;
        pool = b.create('Pool', { id: poolId(round.id, id), round: round.id, delegate: id, fees: BigDecimal.ZERO, totalStake: transcoder.totalStake!, rewardCut: transcoder.rewardCut!, feeShare: transcoder.feeShare! });
      }
      delegate.delegatedAmount = dec(delegate.delegatedAmount).plus(amount);
      transcoder.totalStake = dec(transcoder.totalStake).plus(amount);
      transcoder.lastRewardRound = round.id;
      pool.rewardTokens = amount;
      pool.feeShare = transcoder.feeShare!;
      pool.rewardCut = transcoder.rewardCut!;
      this.event(b, 'RewardEvent', round, { rewardTokens: amount, delegate: id });
    },

    'BondingManager.TranscoderUpdate': (b, log) => {
      const id = address(log, 'transcoder');
      const rewardCut = big(log, 'rewardCut');
      const feeShare = big(log, 'feeShare');
      const round = this.round(b);
      const transcoder = this.transcoder(b, id);
      // The mapping compares BigInt objects by reference, so both timestamps move on every update.
      transcoder.rewardCut = rewardCut;
      transcoder.rewardCutUpdateTimestamp = log.blockTimestamp;
      transcoder.feeShare = feeShare;
      transcoder.feeShareUpdateTimestamp = log.blockTimestamp;
      this.event(b, 'TranscoderUpdateEvent', round, { rewardCut, feeShare, delegate: id });
    },

    'BondingManager.TranscoderActivated': (b, log) => {
      const id = address(log, 'transcoder');
      const activationRound = big(log, 'activationRound');
      const round = this.round(b);
      const transcoder = this.transcoder(b, id);
      const protocol = this.protocol(b, this.roundOf(log));
      transcoder.activationTimestamp = log.blockTimestamp;
      transcoder.lastActiveStakeUpdateRound = activationRound;
      transcoder.activationRound = activationRound;
      transcoder.deactivationRound = DEACTIVATION_SENTINEL;
      protocol.pendingDeactivation = ids(protocol.pendingDeactivation).filter((t) => t !== id);
      protocol.activeTranscoderCount = bi(protocol.activeTranscoderCount) + 1n;
      protocol.pendingActivation = [...ids(protocol.pendingActivation), id];
      this.event(b, 'TranscoderActivatedEvent', round, { activationRound, delegate: id });
    },

    'BondingManager.TranscoderDeactivated': (b, log) => {
      const id = address(log, 'transcoder');
      const deactivationRound = big(log, 'deactivationRound');
      const transcoder = this.transcoder(b, id);
      const round = this.round(b);
      const protocol = this.protocol(b, this.roundOf(log));
      transcoder.activationTimestamp = 0;
      transcoder.deactivationRound = deactivationRound;
      protocol.pendingActivation = ids(protocol.pendingActivation).filter((t) => t !== id);
      protocol.activeTranscoderCount = bi(protocol.activeTranscoderCount) - 1n;
      protocol.pendingDeactivation = [...ids(protocol.pendingDeactivation), id];
      this.event(b, 'TranscoderDeactivatedEvent', round, { deactivationRound, delegate: id });
    },

    'RoundsManager.NewRound': (b, log) => {
      const n = big(log, 'round');
      const blockHash = hex(log, 'blockHash');
      this.currentRound = n;
      const ts = log.blockTimestamp;
      const round = this.round(b, n);
      const day = this.day(b);
      const protocol = this.protocol(b, n);

      for (const id of ids(protocol.pendingActivation)) this.transcoder(b, id).active = true;
      for (const id of ids(protocol.pendingDeactivation)) this.transcoder(b, id).active = false;
      protocol.pendingActivation = [];
      protocol.pendingDeactivation = [];

      // The transcoder pool for round n: activated for n or earlier and not yet deactivated.
      const inPool = (id: string) => {
        const t = b.peek('Transcoder', id)!;
        return bi(t.activationRound) <= n && bi(t.deactivationRound) > n;
      };
      const pool = [...this.transcoders].sort().filter(inPool).map((id) => b.load('Transcoder', id)!);
      let totalActiveStake = BigDecimal.ZERO;
      for (const t of pool) {
        totalActiveStake = totalActiveStake.plus(dec(t.totalStake));
        b.create('Pool', { id: poolId(n, t.id), round: round.id, delegate: t.id, fees: BigDecimal.ZERO, totalStake: t.totalStake!, rewardCut: t.rewardCut!, feeShare: t.feeShare! });
        // The real loop updates the *next* transcoder in the pool, so the first one's windows go
        // stale; here every pool member's windows are refreshed.
        Object.assign(t, this.rollingVolumes(b, 'TranscoderDay', ids(t.transcoderDays), ts));
      }

      const stillActive: string[] = [];
      for (const id of ids(protocol.activeBroadcasters)) {
        const broadcaster = b.load('Broadcaster', id);
        if (!broadcaster) continue;
        Object.assign(broadcaster, this.rollingVolumes(b, 'BroadcasterDay', ids(broadcaster.broadcasterDays), ts));
        if ((broadcaster.lastFundedDay as number) >= ts - 90 * DAY_S) stillActive.push(id);
      }
      protocol.activeBroadcasters = stillActive;

      round.startTimestamp = ts;
      round.initialized = true;
      round.totalActiveStake = totalActiveStake;
      protocol.lptPriceEth = this.lptPriceEth;
      protocol.lastInitializedRound = round.id;
      protocol.totalActiveStake = totalActiveStake;
      protocol.currentRound = round.id;
      day.totalActiveStake = totalActiveStake;
      day.totalSupply = protocol.totalSupply!;
      if (totalActiveStake.gt(BigDecimal.ZERO) && dec(protocol.totalSupply).gt(BigDecimal.ZERO)) {
        protocol.participationRate = totalActiveStake.div(dec(protocol.totalSupply));
        for (const target of [round, day]) {
          target.participationRate = protocol.participationRate;
          target.delegatorsCount = protocol.delegatorsCount!;
          target.inflation = protocol.inflation!;
          target.numActiveTranscoders = protocol.numActiveTranscoders!;
          target.activeTranscoderCount = protocol.activeTranscoderCount!;
        }
      }
      this.event(b, 'NewRoundEvent', round, { blockHash });
    },

    'Minter.SetCurrentRewardTokens': (b, log) => {
      const mintable = big(log, 'currentMintableTokens');
      const inflation = big(log, 'currentInflation');
      const protocol = this.protocol(b, this.roundOf(log));
      protocol.targetBondingRate = this.params.targetBondingRate;
      protocol.inflationChange = this.params.inflationChange;
      protocol.inflation = inflation;
      const round = this.round(b);
      round.mintableTokens = BigDecimal.fromUnits(mintable);
      // The real subgraph learns the supply from LivepeerToken Mint logs, which the embedded chain
      // does not emit; the Minter's own relation mintable = supply × inflation / 1e9 recovers it.
      if (inflation > 0n) {
        protocol.totalSupply = BigDecimal.fromUnits((mintable * PERC_DIVISOR_V2) / inflation);
        round.totalSupply = protocol.totalSupply;
      }
      this.event(b, 'SetCurrentRewardTokensEvent', round, { currentMintableTokens: BigDecimal.fromUnits(mintable), currentInflation: inflation });
    },

    'TicketBroker.WinningTicketRedeemed': (b, log) => {
      const senderId = address(log, 'sender');
      const recipientId = address(log, 'recipient');
      const faceValue = BigDecimal.fromUnits(big(log, 'faceValue'));
      const faceValueUSD = faceValue.times(this.ethPriceUsd);
      const round = this.round(b);
      const day = this.day(b);
      const protocol = this.protocol(b, this.roundOf(log));
      this.event(b, 'WinningTicketRedeemedEvent', round, {
        sender: senderId,
        recipient: recipientId,
        faceValue,
        faceValueUSD,
        winProb: big(log, 'winProb'),
        senderNonce: big(log, 'senderNonce'),
        recipientRand: big(log, 'recipientRand'),
        auxData: hex(log, 'auxData'),
      });

      const broadcaster = this.broadcaster(b, senderId);
      if (faceValue.gt(dec(broadcaster.deposit))) {
        // As in the real mapping, the deposit is zeroed before the shortfall is computed, so the
        // whole face value comes out of the reserve.
        broadcaster.deposit = BigDecimal.ZERO;
        const shortfall = faceValue.minus(dec(broadcaster.deposit));
        broadcaster.reserve = shortfall.gt(dec(broadcaster.reserve)) ? BigDecimal.ZERO : dec(broadcaster.reserve).minus(shortfall);
      } else {
        broadcaster.deposit = dec(broadcaster.deposit).minus(faceValue);
      }
      broadcaster.totalVolumeETH = dec(broadcaster.totalVolumeETH).plus(faceValue);
      broadcaster.totalVolumeUSD = dec(broadcaster.totalVolumeUSD).plus(faceValueUSD);
      const broadcasterDay = this.accountDay(b, 'BroadcasterDay', 'broadcaster', senderId);
      broadcaster.lastFundedDay = broadcasterDay.date!;
      broadcaster.lastActiveDay = broadcasterDay.date!;
      broadcasterDay.volumeETH = dec(broadcasterDay.volumeETH).plus(faceValue);
      broadcasterDay.volumeUSD = dec(broadcasterDay.volumeUSD).plus(faceValueUSD);
      if (!ids(broadcaster.broadcasterDays).includes(broadcasterDay.id)) broadcaster.broadcasterDays = [broadcasterDay.id, ...ids(broadcaster.broadcasterDays)];

      const transcoder = this.transcoder(b, recipientId);
      transcoder.totalVolumeETH = dec(transcoder.totalVolumeETH).plus(faceValue);
      transcoder.totalVolumeUSD = dec(transcoder.totalVolumeUSD).plus(faceValueUSD);
      protocol.totalVolumeETH = dec(protocol.totalVolumeETH).plus(faceValue);
      protocol.totalVolumeUSD = dec(protocol.totalVolumeUSD).plus(faceValueUSD);
      if (!ids(protocol.activeBroadcasters).includes(senderId)) protocol.activeBroadcasters = [...ids(protocol.activeBroadcasters), senderId];
      protocol.winningTicketCount = (protocol.winningTicketCount as number) + 1;

      const pool = b.load('Pool', poolId(round.id, recipientId));
      if (pool) pool.fees = dec(pool.fees).plus(faceValue);
      day.totalSupply = protocol.totalSupply!;
      day.totalActiveStake = protocol.totalActiveStake!;
      day.participationRate = protocol.participationRate!;
      day.volumeETH = dec(day.volumeETH).plus(faceValue);
      day.volumeUSD = dec(day.volumeUSD).plus(faceValueUSD);

      const transcoderDay = this.accountDay(b, 'TranscoderDay', 'transcoder', recipientId);
      transcoderDay.volumeETH = dec(transcoderDay.volumeETH).plus(faceValue);
      transcoderDay.volumeUSD = dec(transcoderDay.volumeUSD).plus(faceValueUSD);
      if (!ids(transcoder.transcoderDays).includes(transcoderDay.id)) transcoder.transcoderDays = [transcoderDay.id, ...ids(transcoder.transcoderDays)];

      round.volumeETH = dec(round.volumeETH).plus(faceValue);
      round.volumeUSD = dec(round.volumeUSD).plus(faceValueUSD);
    },

    'TicketBroker.DepositFunded': (b, log) => this.funded(b, log, 'sender', 'deposit', 'DepositFundedEvent'),
    'TicketBroker.ReserveFunded': (b, log) => this.funded(b, log, 'reserveHolder', 'reserve', 'ReserveFundedEvent'),

    'ServiceRegistry.ServiceURIUpdate': (b, log) => {
      const addr = address(log, 'addr');
      const serviceURI = text(log, 'serviceURI');
      const round = this.round(b);
      this.transcoder(b, addr).serviceURI = serviceURI;
      this.event(b, 'ServiceURIUpdateEvent', round, { addr, serviceURI });
    },
  };

  private funded(b: Batch, log: MinedLog, holderArg: 'sender' | 'reserveHolder', balance: 'deposit' | 'reserve', eventType: string): void {
    const holder = address(log, holderArg);
    const amount = BigDecimal.fromUnits(big(log, 'amount'));
    const round = this.round(b);
    const broadcaster = this.broadcaster(b, holder);
    if (broadcaster.firstFundedDay === 0) {
      broadcaster.firstFundedDay = dayNumber(log.blockTimestamp) * DAY_S;
      broadcaster.firstActiveDay = broadcaster.firstFundedDay;
    }
    broadcaster[balance] = dec(broadcaster[balance]).plus(amount);
    this.event(b, eventType, round, { [holderArg]: holder, amount });
  }

  /** 30/60/90-day fee sums over the newest 90 day entities, as the NewRound handler computes them. */
  private rollingVolumes(b: Batch, type: 'TranscoderDay' | 'BroadcasterDay', dayIds: string[], now: number): Record<string, BigDecimal> {
    const sums = { thirtyDayVolumeETH: BigDecimal.ZERO, sixtyDayVolumeETH: BigDecimal.ZERO, ninetyDayVolumeETH: BigDecimal.ZERO };
    for (const id of dayIds.slice(0, 90)) {
      const d = b.load(type, id);
      if (!d) continue;
      const date = d.date as number;
      const v = dec(d.volumeETH);
      if (date >= now - 30 * DAY_S) sums.thirtyDayVolumeETH = sums.thirtyDayVolumeETH.plus(v);
      if (date >= now - 60 * DAY_S) sums.sixtyDayVolumeETH = sums.sixtyDayVolumeETH.plus(v);
      if (date >= now - 90 * DAY_S) sums.ninetyDayVolumeETH = sums.ninetyDayVolumeETH.plus(v);
    }
    return sums;
  }
}

/** Indexes a whole log list at once. */
export function indexLogs(logs: readonly MinedLog[], opts: IndexerOptions = {}, model: EntityModel = readModel()): SubgraphIndexer {
  const indexer = new SubgraphIndexer(model, opts);
  indexer.apply(logs);
  return indexer;
}
