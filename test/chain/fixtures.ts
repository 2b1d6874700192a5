// Shared pieces of the chain tests: hand-made payments (the session simulator's shape), a data
// folder per test, and readers for the raw partitions the chain jobs write.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { Rng } from '../../lib/rng.ts';
import type { SnapshotManifest } from '../../lib/snapshot.ts';
import { ms } from '../../lib/time.ts';
import type { JobContext } from '../../jobs/job.ts';
import type { Payment } from '../../network/activity.ts';
import type { World } from '../../network/world.ts';

process.env.LPDATA_LOG_LEVEL ??= 'error';

/** `n` ticket batches spread over the window, about a third of them with a winning ticket or two. */
export function handMadePayments(world: World, n: number, seed = 'chain-test-payments'): Payment[] {
  const rng = new Rng(seed);
  const span = world.window.to - world.window.from;
  const out: Payment[] = [];
  for (let i = 0; i < n; i++) {
    const g = rng.pick(world.gateways);
    const o = rng.pick(world.orchestrators);
    const numTickets = rng.int(1, 3);
    out.push({
      atMs: ms(world.window.from + Math.floor(rng.float(0.001, 0.99) * span)),
      gatewayIndex: g.index,
      sender: g.address,
      recipient: o.address,
      orchUri: o.serviceUri,
      manifestId: '35_streamdiffusion-sdxl',
      pipeline: 'live-video-to-video',
      model: 'streamdiffusion-sdxl',
      attribution: 'manifest',
      faceValueWei: BigInt(rng.int(2, 30)) * 10n ** 15n,
      winProb: Math.round(rng.float(0.01, 0.05) * 1e10) / 1e10,
      numTickets,
      winningTickets: rng.chance(0.35) ? rng.int(1, numTickets) : 0,
    });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

export async function tempDataDir(dirs: string[]): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lpdata-chain-'));
  dirs.push(d);
  return d;
}

export function chainContext(world: World, dataDir: string, rpcUrl: string, env: Record<string, string> = {}): JobContext {
  return {
    config: loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_RPC_URL: rpcUrl, LPDATA_CHAIN_START_BLOCK: '0', LPDATA_CHAIN_FINALITY_BLOCKS: '20', ...env }),
    window: world.window,
    log: logger({ test: 'chain' }),
    fetchedAt: new Date('2026-11-18T00:00:00Z'),
  };
}

export interface ChainRecord {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  block_timestamp: number;
  decoded: { event: string; args: Record<string, string> };
}

export interface Partition {
  name: string;
  manifest: SnapshotManifest;
  records: ChainRecord[];
  quarantine: { reason: string; raw: string }[];
}

/** Every partition of an entity, in block order. */
export async function readPartitions(dataDir: string, entity: string): Promise<Partition[]> {
  const dir = join(dataDir, 'raw', 'chain', entity);
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.startsWith('blocks=')).sort();
  const out: Partition[] = [];
  for (const name of names) {
    const p = join(dir, name);
    const text = gunzipSync(await readFile(join(p, 'records.ndjson.gz'))).toString('utf8');
    const qFile = join(p, 'quarantine.ndjson');
    out.push({
      name,
      manifest: JSON.parse(await readFile(join(p, '_manifest.json'), 'utf8')) as SnapshotManifest,
      records: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChainRecord),
      quarantine: existsSync(qFile) ? (await readFile(qFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { reason: string; raw: string }) : [],
    });
  }
  return out;
}

export const allRecords = (parts: Partition[]) => parts.flatMap((p) => p.records);
