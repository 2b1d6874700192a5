import { describe, expect, it } from 'vitest';
import { DEACTIVATION_SENTINEL, indexLogs, SubgraphIndexer } from '../../network/subgraph/indexer.ts';
import type { EntityData } from '../../network/subgraph/store.ts';
import { addr, ETH, LogChain, smallNetwork, T0 } from './fixtures.ts';

const net = smallNetwork();
const indexer = indexLogs(net.logs);
const { store } = indexer;
const head = indexer.head!.number;
const at = (type: string, id: string, block = head): EntityData => {
  const e = store.at(type, id, block);
  if (!e) throw new Error(`${type} ${id} missing at block ${block}`);
  return e;
};
const text = (e: EntityData, field: string) => String(e[field]);
const logOf = (eventName: string, n = 0) => net.logs.filter((l) => l.eventName === eventName)[n]!;

describe('mapping rules', () => {
  it('uses lowercase addresses as account ids and <txHash>-<logIndex> as event ids', () => {
    const reward = logOf('Reward');
    const event = at('RewardEvent', `${reward.transactionHash}-${reward.logIndex}`);
    expect(event.delegate).toBe(net.a);
    expect(event.transaction).toBe(reward.transactionHash);
    expect(event.round).toBe('4000');
    expect(event.timestamp).toBe(reward.blockTimestamp);
    expect(at('Transaction', reward.transactionHash).blockNumber).toBe(BigInt(reward.blockNumber));
    for (const id of [net.a, net.b, net.c, net.gateway, net.delegator]) expect(id).toBe(id.toLowerCase());
  });

  it('converts amounts to exact decimals of whole tokens', () => {
    const reward = logOf('Reward');
    expect(text(at('RewardEvent', `${reward.transactionHash}-${reward.logIndex}`), 'rewardTokens')).toBe('1.234567890123456789');
    expect(text(at('Transcoder', net.a), 'totalStake')).toBe('1001.234567890123456789');
    expect(text(at('Transcoder', net.b), 'totalStake')).toBe('562');
    expect(text(at('Round', '4000'), 'volumeETH')).toBe('1.534567890123456789');
    expect(text(at('Protocol', '0'), 'totalVolumeETH')).toBe('6.534567890123456789');
  });

  it('keeps rewardCut and feeShare as raw parts per million and marks active transcoders with the 2^255 − 1 sentinel', () => {
    const a = at('Transcoder', net.a);
    expect(a.rewardCut).toBe(100_000n);
    expect(a.feeShare).toBe(500_000n);
    expect(a.deactivationRound).toBe(DEACTIVATION_SENTINEL);
    expect(DEACTIVATION_SENTINEL.toString()).toBe('57896044618658097711785492504343953926634992332820282019728792003956564819967');
    expect(a.activationRound).toBe(4000n);
    expect(a.status).toBe('Registered');
    expect(a.active).toBe(true);
    expect(a.serviceURI).toMatch(/^https:\/\//);
  });

  it('creates one pool per active transcoder per round, id = 10-digit round + address', () => {
    const pool = at('Pool', `0000004000-${net.a}`);
    expect(text(pool, 'rewardTokens')).toBe('1.234567890123456789');
    expect(text(pool, 'fees')).toBe('1.234567890123456789');
    expect(text(pool, 'totalStake')).toBe('1000');
    expect(at('Pool', `0000004000-${net.b}`).rewardTokens).toBeUndefined();
    expect(store.at('Pool', `0000004000-${net.c}`, head)).toBeUndefined();
    expect(at('Pool', `0000004001-${net.c}`).delegate).toBe(net.c);
  });

  it('derives rounds from NewRound logs; logs in the initialising transaction belong to the new round', () => {
    expect(at('Round', '4000').initialized).toBe(true);
    expect(at('Round', '4000').startTimestamp).toBe(T0 + 60);
    expect(at('Round', '3999').initialized).toBe(false);
    const scrt = logOf('SetCurrentRewardTokens', 1);
    const event = at('SetCurrentRewardTokensEvent', `${scrt.transactionHash}-${scrt.logIndex}`);
    expect(event.round).toBe('4001');
    expect(text(event, 'currentMintableTokens')).toBe('1000');
    expect(at('Protocol', '0').currentRound).toBe('4001');
    expect(at('Protocol', '0').roundCount).toBe(3);
    expect(at('Round', '4001').movedStake!.toString()).toBe('100');
    expect(at('Round', '4000').endBlock).toBe(4001n * 5760n);
  });

  it('keys days by floor(timestamp / 86400) and account days by <address>-<day>', () => {
    const day = at('Day', String(T0 / 86_400));
    expect(day.date).toBe(T0);
    expect(text(day, 'volumeETH')).toBe('1.534567890123456789');
    expect(text(at('TranscoderDay', `${net.b}-${T0 / 86_400 + 1}`), 'volumeETH')).toBe('5');
    expect(at('Transcoder', net.b).transcoderDays).toEqual([`${net.b}-${T0 / 86_400 + 1}`, `${net.b}-${T0 / 86_400}`]);
    expect(text(at('BroadcasterDay', `${net.gateway}-${T0 / 86_400}`), 'volumeETH')).toBe('1.534567890123456789');
  });

  it('does not index TreasuryReward, like the real subgraph', () => {
    expect(indexer.stats.ignored).toEqual({ 'BondingManager.TreasuryReward': 1 });
    const treasury = logOf('TreasuryReward');
    expect(store.find('Event', `${treasury.transactionHash}-${treasury.logIndex}`, head)).toBeUndefined();
  });

  it('tracks gateways: deposit, reserve, volume and the real mapping’s reserve shortfall rule', () => {
    const before = at('Broadcaster', net.gateway, net.beforeMoveBlock);
    expect(text(before, 'deposit')).toBe('3.465432109876543211');
    expect(text(before, 'reserve')).toBe('2');
    expect(before.firstFundedDay).toBe(T0);
    const now = at('Broadcaster', net.gateway);
    expect(text(now, 'deposit')).toBe('0');
    expect(text(now, 'reserve')).toBe('0');
    expect(text(now, 'totalVolumeETH')).toBe('6.534567890123456789');
    expect(at('Protocol', '0').activeBroadcasters).toEqual([net.gateway]);
  });

  it('follows a delegator through a move and an unbond', () => {
    const d = at('Delegator', net.delegator);
    expect(d.delegate).toBe(net.b);
    expect(text(d, 'bondedAmount')).toBe('60');
    expect(text(d, 'unbonded')).toBe('40');
    expect(d.startRound).toBe(4002n);
    expect(text(at('UnbondingLock', `0000000000-${net.delegator}`), 'amount')).toBe('40');
    expect(at('Protocol', '0').delegatorsCount).toBe(4n);
    const bond = logOf('Bond', 4);
    expect(at('BondEvent', `${bond.transactionHash}-${bond.logIndex}`).oldDelegate).toBe(net.a);
  });
});

describe('versions by block', () => {
  it('returns the state as of an older block', () => {
    expect(text(at('Transcoder', net.a, net.round4000Block), 'totalStake')).toBe('1000');
    expect(text(at('Transcoder', net.a, net.beforeMoveBlock), 'totalStake')).toBe('1101.234567890123456789');
    expect(at('Delegator', net.delegator, net.beforeMoveBlock).delegate).toBe(net.a);
    expect(store.at('Round', '4001', net.beforeMoveBlock)).toBeUndefined();
  });

  it('only writes a new version when an entity changed', () => {
    // The last block's partial unbond reads round 4001 and the protocol but changes neither.
    expect(store.version('Round', '4001', head)!.block).toBe(head - 1);
    expect(store.version('Protocol', '0', head)!.block).toBe(head - 1);
    expect(store.version('Delegator', net.delegator, head)!.block).toBe(head);
  });
});

describe('bad input', () => {
  it('names the log and the argument when an argument has the wrong type', () => {
    const chain = new LogChain();
    chain.emit('BondingManager', 'Reward', { transcoder: addr('x'), amount: 5 });
    expect(() => indexLogs(chain.logs)).toThrow(/BondingManager\.Reward \(block 1000, tx 0x[0-9a-f]+, log index 0\): argument amount is number/);
  });

  it('refuses a duplicated log and logs older than what was indexed', () => {
    const chain = new LogChain().register(addr('x'), ETH, 1n);
    expect(() => indexLogs([...chain.logs, chain.logs[0]!])).toThrow(/duplicate log/);
    const later = new SubgraphIndexer();
    later.apply(chain.logs.slice(2));
    expect(() => later.apply(chain.logs.slice(0, 1))).toThrow(/arrives after block 1000/);
  });

  it('refuses an unbond larger than the bond', () => {
    const x = addr('x');
    const chain = new LogChain().bond(x, x, ETH, ETH).unbond(x, x, 2n * ETH, 0n, 9n);
    expect(() => indexLogs(chain.logs)).toThrow(/unbonds 2000000000000000000 from 0x[0-9a-f]{40}, which has only 1000000000000000000 bonded/);
  });

  it('counts a reward without a pool and creates the pool', () => {
    const x = addr('x');
    const chain = new LogChain().bond(x, x, ETH, ETH).newRound(7n).reward(x, ETH);
    const ix = indexLogs(chain.logs);
    expect(ix.stats.poolsCreatedOnReward).toBe(1);
    expect(ix.store.latest('Pool', `0000000007-${x}`)!.rewardTokens!.toString()).toBe('1');
  });
});
