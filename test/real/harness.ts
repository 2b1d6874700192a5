// Shared pieces of the real-sample tests: where the samples are, a data folder per test, readers
// for the raw partitions a connector wrote (records, quarantine, manifests) and for built models.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { ARBITRUM_ONE_CHAIN_ID } from '../../jobs/chain/abis.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { MANIFEST_FILE, QUARANTINE_FILE, RECORDS_FILE, type SnapshotManifest } from '../../lib/snapshot.ts';
import { startAnvil, type Anvil } from '../../network/chain/anvil.ts';
import { compileEmitter } from '../../network/chain/compile.ts';
import { installEmitters, mineEvents } from '../../network/chain/mine.ts';
import type { PlannedEvent } from '../../network/protocol.ts';
import { lastDayFile } from '../built-file.ts';

process.env.LPDATA_LOG_LEVEL ??= 'error';

/** ../shared/real: the licensed real samples (see its PROVENANCE.md). */
export const REAL = new URL('../../../shared/real/', import.meta.url);

export const realText = (path: string) => readFileSync(new URL(path, REAL), 'utf8');
export const realJson = <T>(path: string) => JSON.parse(realText(path)) as T;

/** 1-based line of the first occurrence of `needle` in a real file: facts below cite their line. */
export function lineOf(path: string, needle: string): number {
  const i = realText(path).indexOf(needle);
  if (i < 0) throw new Error(`${needle} is not in ${path}`);
  return realText(path).slice(0, i).split('\n').length;
}

export class TempDirs {
  private readonly dirs: string[] = [];
  async make(prefix: string): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), `lp-real-${prefix}-`));
    this.dirs.push(d);
    return d;
  }
  async removeAll(): Promise<void> {
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

export interface RawEntity {
  records: Record<string, unknown>[];
  quarantine: { reason: string; raw: string }[];
  manifests: SnapshotManifest[];
}

/** Every partition a job wrote for `<source>/<entity>`, in partition-name order. */
export async function readRaw(dataDir: string, source: string, entity: string): Promise<RawEntity> {
  const dir = join(dataDir, 'raw', source, entity);
  const out: RawEntity = { records: [], quarantine: [], manifests: [] };
  if (!existsSync(dir)) return out;
  for (const name of (await readdir(dir)).filter((n) => n.includes('=') && !n.includes('.tmp-')).sort()) {
    const p = join(dir, name);
    out.manifests.push(JSON.parse(await readFile(join(p, MANIFEST_FILE), 'utf8')) as SnapshotManifest);
    if (existsSync(join(p, RECORDS_FILE))) {
      for (const l of gunzipSync(await readFile(join(p, RECORDS_FILE))).toString('utf8').split('\n')) if (l) out.records.push(JSON.parse(l) as Record<string, unknown>);
    }
    if (existsSync(join(p, QUARANTINE_FILE))) {
      for (const l of (await readFile(join(p, QUARANTINE_FILE), 'utf8')).split('\n')) if (l) out.quarantine.push(JSON.parse(l) as { reason: string; raw: string });
    }
  }
  return out;
}

/**
 * Rows of a built model's last day (`data/build/<layer>/<model>/day=<D>.parquet`): the whole
 * build for a one-day window, and every chain log for chain staging. `select` can cast DECIMAL
 * columns to text, which the row reader would otherwise turn into (inexact) numbers.
 */
export async function readBuilt(dataDir: string, layer: string, model: string, select = '*'): Promise<Record<string, unknown>[]> {
  const path = lastDayFile(dataDir, layer, model);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows(s.conn, `SELECT ${select} FROM read_parquet(${sqlString(path)})`);
  } finally {
    s.close();
  }
}

export interface DumpedLog {
  address: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
  event: string;
  returnValues: Record<string, string>;
  raw: { data: `0x${string}`; topics: `0x${string}`[] };
}

/**
 * The LivepeerEvents dumps (rawevents.json, rounds.json) are console output: "New event emitted on
 * <address>" lines between JavaScript object literals whose decoded values print as `Result { ... }`.
 * Evaluated as data in an empty context.
 */
export function parseDump(path: string): DumpedLog[] {
  const text = realText(path)
    .replace(/^New event emitted on .*$/gm, ',')
    .replace(/\bResult \{/g, '{')
    .trim()
    .replace(/^,/, '');
  return runInNewContext(`([${text}])`, Object.create(null), { timeout: 1000 }) as DumpedLog[];
}

/**
 * anvil as Arbitrum One (chain id 42161, genesis at `genesisMs`) with the log emitter at the real
 * proxy addresses and `events` mined, then 40 empty blocks so a finality margin of 20 leaves all final.
 */
export async function replayOnAnvil(genesisMs: number, events: PlannedEvent[]): Promise<Anvil> {
  const anvil = await startAnvil({ chainId: ARBITRUM_ONE_CHAIN_ID, genesisTimestamp: genesisMs / 1000 });
  try {
    const emitter = await compileEmitter();
    await installEmitters(anvil, emitter);
    await mineEvents(anvil, emitter, events, 40);
    return anvil;
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

/** A chain connector's config for a replay: every block from genesis, 20 blocks of finality. */
export const chainConfig = (dataDir: string, rpcUrl: string): Config =>
  loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_RPC_URL: rpcUrl, LPDATA_CHAIN_START_BLOCK: '0', LPDATA_CHAIN_FINALITY_BLOCKS: '20' });
