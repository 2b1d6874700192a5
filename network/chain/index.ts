// The embedded Arbitrum One: anvil with chain id 42161, a log emitter at each real protocol proxy
// address, and the protocol plan mined into blocks whose timestamps follow the simulated times.
import type { Hex } from 'viem';
import { ARBITRUM_ONE_CHAIN_ID } from '../../jobs/chain/abis.ts';
import { logger } from '../../lib/log.ts';
import type { MinedLog } from '../activity.ts';
import type { PlannedEvent, ProtocolPlan } from '../protocol.ts';
import type { World } from '../world.ts';
import { startAnvil } from './anvil.ts';
import { compileEmitter } from './compile.ts';
import { installEmitters, mineEvents, readMinedLogs } from './mine.ts';

/** Empty blocks mined after the plan, so a finality margin below 40 leaves every planned log final. */
export const TRAILING_BLOCKS = 40;

export interface EmbeddedChain {
  rpcUrl: string;
  chainId: number;
  /** Every planned log as mined, in chain order. */
  logs: MinedLog[];
  /** Block number of the head after the trailing empty blocks. */
  head: number;
  /** A raw anvil call (evm_snapshot, evm_revert, anvil_mine, ...), for tests that bend the chain. */
  anvilRpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Mines more planned events after the head (then `trailingBlocks` empty blocks); returns their logs. */
  mine(events: PlannedEvent[], trailingBlocks?: number): Promise<MinedLog[]>;
  stop(): Promise<void>;
}

export async function startChain(world: World, plan: ProtocolPlan): Promise<EmbeddedChain> {
  const started = Date.now();
  const emitter = await compileEmitter();
  const anvil = await startAnvil({ chainId: ARBITRUM_ONE_CHAIN_ID, genesisTimestamp: Math.floor(world.window.from / 1000) });
  try {
    await installEmitters(anvil, emitter);
    const blockNumber = async () => Number(BigInt(await anvil.rpc<Hex>('eth_blockNumber')));
    const mine = async (events: PlannedEvent[], trailingBlocks = TRAILING_BLOCKS): Promise<MinedLog[]> => {
      const from = (await blockNumber()) + 1;
      const senders = await mineEvents(anvil, emitter, events, trailingBlocks);
      const logs = await readMinedLogs(anvil, from, await blockNumber(), senders);
      checkMined(events, logs);
      return logs;
    };
    const logs = await mine(plan.events);
    const head = await blockNumber();
    logger({ component: 'network.chain' }).info('embedded chain ready', {
      rpc: anvil.rpcUrl,
      head,
      logs: logs.length,
      transactions: new Set(logs.map((l) => l.transactionHash)).size,
      startup_ms: Date.now() - started,
    });
    return { rpcUrl: anvil.rpcUrl, chainId: ARBITRUM_ONE_CHAIN_ID, logs, head, anvilRpc: anvil.rpc, mine, stop: anvil.stop };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

/** The chain must hold exactly the planned events, in plan order, at the planned seconds. */
function checkMined(events: PlannedEvent[], logs: MinedLog[]): void {
  if (logs.length !== events.length) throw new Error(`mined ${logs.length} logs for ${events.length} planned events: a transaction reverted or was left unmined`);
  events.forEach((e, k) => {
    const l = logs[k]!;
    if (l.contract !== e.contract || l.eventName !== e.eventName || l.blockTimestamp * 1000 !== e.atMs) {
      throw new Error(`log ${k} is ${l.contract}.${l.eventName} at ${l.blockTimestamp}, planned ${e.contract}.${e.eventName} at ${e.atMs / 1000}`);
    }
  });
}
