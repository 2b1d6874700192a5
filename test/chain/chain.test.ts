// The embedded chain: anvil as Arbitrum One with the emitter at the real proxy addresses, the plan
// mined at its simulated times, and the same blocks every time the same plan is mined.
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS } from '../../jobs/chain/abis.ts';
import { startChain, TRAILING_BLOCKS, type EmbeddedChain } from '../../network/chain/index.ts';
import { compileEmitter } from '../../network/chain/compile.ts';
import { planProtocol } from '../../network/protocol.ts';
import { createWorld } from '../../network/world.ts';
import { handMadePayments } from './fixtures.ts';

const world = createWorld();
const plan = planProtocol(world, handMadePayments(world, 300));
let chain: EmbeddedChain;
let twin: EmbeddedChain;

beforeAll(async () => {
  [chain, twin] = await Promise.all([startChain(world, plan), startChain(world, plan)]);
});

afterAll(async () => {
  await Promise.all([chain?.stop(), twin?.stop()]);
});

describe('startChain', () => {
  it('serves chain id 42161 on a loopback port', async () => {
    expect(new URL(chain.rpcUrl).hostname).toBe('127.0.0.1');
    expect(await chain.anvilRpc('eth_chainId')).toBe('0xa4b1');
    expect(chain.chainId).toBe(42161);
  });

  it('has the emitter code at each real proxy address', async () => {
    const { runtime } = await compileEmitter();
    for (const c of Object.values(CONTRACTS)) expect(await chain.anvilRpc('eth_getCode', [c.address, 'latest'])).toBe(runtime);
  });

  it('starts at the window start and stamps each block with its planned second', async () => {
    const genesis = await chain.anvilRpc<{ timestamp: Hex }>('eth_getBlockByNumber', ['0x0', false]);
    expect(Number(genesis.timestamp)).toBe(world.window.from / 1000);
    expect(chain.logs).toHaveLength(plan.events.length);
    plan.events.forEach((e, k) => {
      const l = chain.logs[k]!;
      expect(l.blockTimestamp * 1000).toBe(e.atMs);
      expect([l.contract, l.eventName, l.from]).toEqual([e.contract, e.eventName, e.from]);
      expect(l.address).toBe(CONTRACTS[e.contract].address.toLowerCase());
    });
  });

  it('reads back the planned values through the real ABI', () => {
    plan.events.forEach((e, k) => expect(chain.logs[k]!.args).toEqual(e.args));
  });

  it('puts events of one second and one sender in one transaction, and only those', () => {
    const key = (k: number) => `${plan.events[k]!.atMs}/${plan.events[k]!.from}`;
    for (let k = 1; k < chain.logs.length; k++) {
      const sameTx = chain.logs[k]!.transactionHash === chain.logs[k - 1]!.transactionHash;
      expect(sameTx).toBe(key(k) === key(k - 1));
      const sameBlock = chain.logs[k]!.blockNumber === chain.logs[k - 1]!.blockNumber;
      expect(sameBlock).toBe(plan.events[k]!.atMs === plan.events[k - 1]!.atMs);
    }
  });

  it('ends with empty blocks past the last log, so a finality margin leaves the plan final', () => {
    expect(chain.head).toBe(chain.logs[chain.logs.length - 1]!.blockNumber + TRAILING_BLOCKS);
  });

  it('mines the same blocks and transactions from the same plan', async () => {
    expect(twin.logs).toEqual(chain.logs);
    expect(twin.head).toBe(chain.head);
    const headOf = (c: EmbeddedChain) => c.anvilRpc<{ hash: Hex; stateRoot: Hex }>('eth_getBlockByNumber', ['latest', false]);
    const [a, b] = await Promise.all([headOf(chain), headOf(twin)]);
    expect(b.hash).toBe(a.hash);
    expect(b.stateRoot).toBe(a.stateRoot);
  });
});
