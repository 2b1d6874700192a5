// Hand-made MinedLog fixtures: a tiny deterministic chain that emits the protocol events the embedded
// subgraph indexes, with the real proxy addresses and topic0 values (docs/sources.md §13).
import { createHash } from 'node:crypto';
import { toEventSelector } from 'viem';
import type { MinedLog, ProtocolContract } from '../../network/activity.ts';
import type { Address } from '../../network/world.ts';

export const CONTRACTS: Record<ProtocolContract, Address> = {
  BondingManager: '0x35bcf3c30594191d53231e4ff333e8a770453e40',
  TicketBroker: '0xa8bb618b1520e284046f3dfc448851a1ff26e41b',
  RoundsManager: '0xdd6f56dcc28d3f5f27084381fe8df634985cc39f',
  Minter: '0xc20de37170b45774e6cd3d2304017fc962f27252',
  ServiceRegistry: '0xc92d3a360b8f9e083ba64de15d95cf8180897431',
};

const SIGNATURES: Record<string, string> = {
  Bond: 'Bond(address,address,address,uint256,uint256)',
  Unbond: 'Unbond(address,address,uint256,uint256,uint256)',
  Reward: 'Reward(address,uint256)',
  TreasuryReward: 'TreasuryReward(address,address,uint256)',
  TranscoderUpdate: 'TranscoderUpdate(address,uint256,uint256)',
  TranscoderActivated: 'TranscoderActivated(address,uint256)',
  TranscoderDeactivated: 'TranscoderDeactivated(address,uint256)',
  WinningTicketRedeemed: 'WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)',
  DepositFunded: 'DepositFunded(address,uint256)',
  ReserveFunded: 'ReserveFunded(address,uint256)',
  NewRound: 'NewRound(uint256,bytes32)',
  SetCurrentRewardTokens: 'SetCurrentRewardTokens(uint256,uint256)',
  ServiceURIUpdate: 'ServiceURIUpdate(address,string)',
};

const TOPIC0 = Object.fromEntries(Object.entries(SIGNATURES).map(([name, sig]) => [name, toEventSelector(sig)]));

const hash32 = (label: string): `0x${string}` => `0x${createHash('sha256').update(label).digest('hex')}`;

/** A deterministic lowercase address for a label. */
export const addr = (label: string): Address => `0x${createHash('sha256').update(`addr:${label}`).digest('hex').slice(0, 40)}`;

export const ZERO = '0x0000000000000000000000000000000000000000' as Address;
export const ETH = 10n ** 18n;

/** 2026-11-16T00:00:00Z, the embedded network's default first day. */
export const T0 = 1_794_787_200;

export class LogChain {
  readonly logs: MinedLog[] = [];
  block: number;
  timestamp: number;
  private logIndex = 0;
  private txCount = 0;
  private tx: `0x${string}` = '0x';

  constructor(start = { block: 1000, timestamp: T0 }) {
    this.block = start.block;
    this.timestamp = start.timestamp;
    this.newTx();
  }

  get blockHash(): `0x${string}` {
    return hash32(`block:${this.block}`);
  }

  /** Moves to a later block; logs after this land there. */
  mine(seconds = 2, blocks = 1): this {
    this.block += blocks;
    this.timestamp += seconds;
    this.logIndex = 0;
    return this.newTx();
  }

  /** Starts a new transaction in the current block. */
  newTx(): this {
    this.tx = hash32(`tx:${this.txCount++}`);
    return this;
  }

  emit(contract: ProtocolContract, eventName: string, args: Record<string, unknown>, from: Address = addr('sender')): MinedLog {
    const log: MinedLog = {
      contract,
      address: CONTRACTS[contract],
      eventName,
      args,
      topics: [TOPIC0[eventName]!],
      data: '0x',
      blockNumber: this.block,
      blockHash: this.blockHash,
      blockTimestamp: this.timestamp,
      transactionHash: this.tx,
      transactionIndex: 0,
      logIndex: this.logIndex++,
      from,
    };
    this.logs.push(log);
    return log;
  }

  newRound(round: bigint, mintable = 1_000n * ETH, inflation = 220_500n): this {
    this.emit('Minter', 'SetCurrentRewardTokens', { currentMintableTokens: mintable, currentInflation: inflation });
    this.emit('RoundsManager', 'NewRound', { round, blockHash: hash32(`l1:${round}`) });
    return this.newTx();
  }

  bond(delegator: Address, newDelegate: Address, additionalAmount: bigint, bondedAmount: bigint, oldDelegate: Address = ZERO): this {
    this.emit('BondingManager', 'Bond', { newDelegate, oldDelegate, delegator, additionalAmount, bondedAmount }, delegator);
    return this.newTx();
  }

  unbond(delegator: Address, delegate: Address, amount: bigint, unbondingLockId: bigint, withdrawRound: bigint): this {
    this.emit('BondingManager', 'Unbond', { delegate, delegator, unbondingLockId, amount, withdrawRound }, delegator);
    return this.newTx();
  }

  /** Registers an orchestrator: self-bond, commission, activation for `round`, service URI. */
  register(t: Address, stake: bigint, activationRound: bigint, rewardCut = 100_000n, feeShare = 500_000n, uri = `https://${t.slice(2, 8)}.example:8935`): this {
    this.bond(t, t, stake, stake);
    this.emit('BondingManager', 'TranscoderUpdate', { transcoder: t, rewardCut, feeShare }, t);
    this.emit('BondingManager', 'TranscoderActivated', { transcoder: t, activationRound }, t);
    this.newTx();
    this.emit('ServiceRegistry', 'ServiceURIUpdate', { addr: t, serviceURI: uri }, t);
    return this.newTx();
  }

  reward(t: Address, amount: bigint, treasury = 0n): this {
    if (treasury > 0n) this.emit('BondingManager', 'TreasuryReward', { transcoder: t, treasury: addr('treasury'), amount: treasury }, t);
    this.emit('BondingManager', 'Reward', { transcoder: t, amount }, t);
    return this.newTx();
  }

  fund(sender: Address, deposit: bigint, reserve: bigint): this {
    this.emit('TicketBroker', 'DepositFunded', { sender, amount: deposit }, sender);
    this.emit('TicketBroker', 'ReserveFunded', { reserveHolder: sender, amount: reserve }, sender);
    return this.newTx();
  }

  ticket(sender: Address, recipient: Address, faceValue: bigint, nonce: bigint, round = 1n): this {
    const auxData = `0x${round.toString(16).padStart(64, '0')}${hash32(`l1:${round}`).slice(2)}`;
    this.emit('TicketBroker', 'WinningTicketRedeemed', {
      sender,
      recipient,
      faceValue,
      winProb: 2n ** 256n / 1000n,
      senderNonce: nonce,
      recipientRand: BigInt(hash32(`rand:${nonce}`)),
      auxData,
    }, recipient);
    return this.newTx();
  }
}

/**
 * A small network: two orchestrators active from round 4000, a gateway paying tickets over two
 * days, rewards, a delegator who moves stake, and an unbond.
 */
export function smallNetwork() {
  const a = addr('orch-a');
  const b = addr('orch-b');
  const c = addr('orch-c');
  const gateway = addr('gateway-1');
  const delegator = addr('delegator-1');
  const chain = new LogChain();
  chain.register(a, 1000n * ETH, 4000n).register(b, 500n * ETH, 4000n).register(c, 10n * ETH, 4001n);
  chain.mine(60).newRound(4000n);
  const round4000Block = chain.block;
  chain.mine(60).bond(delegator, a, 100n * ETH, 100n * ETH);
  chain.fund(gateway, 5n * ETH, 2n * ETH);
  chain.mine(60).reward(a, 1_234_567_890_123_456_789n, 100n);
  chain.ticket(gateway, a, 1_234_567_890_123_456_789n, 1n, 4000n);
  chain.ticket(gateway, b, 300_000_000_000_000_000n, 2n, 4000n);
  const beforeMoveBlock = chain.block;
  chain.mine(86_400).newRound(4001n);
  chain.mine(60).bond(delegator, b, 0n, 100n * ETH, a);
  chain.reward(b, 2n * ETH);
  chain.ticket(gateway, b, 5n * ETH, 3n, 4001n);
  chain.mine(60).unbond(delegator, b, 40n * ETH, 0n, 4008n);
  return { chain, logs: chain.logs, a, b, c, gateway, delegator, round4000Block, beforeMoveBlock };
}

/**
 * Many winning tickets from 5 gateways to 3 orchestrators, ten per block, spanning a UTC midnight:
 * enough entities to need several 1000-entity pages.
 */
export function ticketStorm(n: number) {
  const orchs = [0, 1, 2].map((i) => addr(`storm-orch-${i}`));
  const gateways = [0, 1, 2, 3, 4].map((i) => addr(`storm-gateway-${i}`));
  const chain = new LogChain({ block: 5000, timestamp: T0 + 86_400 - 4_500 });
  for (const o of orchs) chain.register(o, 100n * ETH, 10n);
  for (const g of gateways) chain.fund(g, 1000n * ETH, 10n * ETH);
  chain.mine(60).newRound(10n);
  const roundBlock = chain.block;
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) chain.mine(36);
    chain.ticket(gateways[i % 5]!, orchs[i % 3]!, BigInt(i + 1) * 10n ** 15n, BigInt(i), 10n);
  }
  return { chain, logs: chain.logs, orchs, gateways, roundBlock };
}
