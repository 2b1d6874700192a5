// Sharded backfill: a window's UTC days split into N shards that run anywhere (one CI matrix job
// each), each ingesting and building only its days into its own data folder; copying every shard's
// data/build into one folder and running `lpdata release` publishes the union, the same bytes as one
// run over the window (test/e2e/backfill.test.ts).
import type { Config } from '../lib/config.ts';
import { UserError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { missingDays, rawLookbackDays, type BuildReport } from '../lib/model-runner.ts';
import { discoverModels } from '../lib/contracts.ts';
import { MODELS_DIR } from '../lib/paths.ts';
import { DAY_MS, days, iso, ms, type Window } from '../lib/time.ts';
import type { PublishResult } from '../datasets/publish.ts';
import type { JobResult } from './job.ts';
import { ALL_JOBS } from './registry.ts';
import { buildModels, ingest, release } from './pipeline.ts';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count) throw new UserError(`--shard "${text}" is not i/N with 0 <= i < N`, 'e.g. --shard 0/4 (the first of four shards)');
  return shard;
}

/**
 * The shard's days: a contiguous run of the window's days (shard i of N gets days [i*D/N, (i+1)*D/N)),
 * or undefined when it has none. Contiguous rather than every N-th day: a day reads raw partitions
 * of the days around it (the day after, and up to HISTORY_DAYS + 1 before for lookback models), so a
 * run of days shares them and a shard ingests its days plus that margin, not the whole window.
 */
export function shardWindow(window: Window, shard: Shard): Window | undefined {
  const all = days(window);
  const lo = Math.floor((shard.index * all.length) / shard.count);
  const hi = Math.floor(((shard.index + 1) * all.length) / shard.count);
  return hi > lo ? { from: all[lo]!.from, to: all[hi - 1]!.to } : undefined;
}

/**
 * What the shard ingests: its days, the days before them its models look back over and the day
 * after, within the window, so every day it builds sees the raw partitions a run over the whole
 * window would give it.
 */
export function ingestWindow(window: Window, shardDays: Window): Window {
  const lookback = Math.max(...rawLookbackDays(discoverModels(MODELS_DIR)).values());
  return { from: ms(Math.max(window.from, shardDays.from - lookback * DAY_MS)), to: ms(Math.min(window.to, shardDays.to + DAY_MS)) };
}

export interface BackfillResult {
  shard: Shard;
  /** The shard's days, or null when the window has fewer days than shards. */
  days: { from: string; to: string } | null;
  ingested: JobResult[];
  build?: BuildReport;
  /** The release of the whole window, when asked for and every day of it is built in this data folder. */
  released?: PublishResult;
  /** Days of the window not built here (other shards'), which the release waits for. */
  waiting_for: string[];
}

export async function backfill(config: Config, window: Window, shard: Shard, log: Logger, opts: { release: boolean; rebuild?: boolean; fetchedAt?: Date }): Promise<BackfillResult> {
  const mine = shardWindow(window, shard);
  const l = log.child({ shard: `${shard.index}/${shard.count}` });
  if (!mine) {
    l.warn('this shard has no days: the window has fewer days than shards');
    return { shard, days: null, ingested: [], waiting_for: [] };
  }
  l.info('backfill shard', { days: { from: iso(mine.from), to: iso(mine.to) } });
  const ingested = await ingest(ALL_JOBS, config, ingestWindow(window, mine), l, opts.fetchedAt);
  const build = await buildModels(config, mine, l, undefined, { rebuild: opts.rebuild });
  const waiting = missingDays(config.dataDir, window);
  const out: BackfillResult = { shard, days: { from: iso(mine.from), to: iso(mine.to) }, ingested, build, waiting_for: waiting };
  if (!opts.release) return out;
  if (waiting.length) {
    l.warn('release left to `lpdata release`: days of the window are built by other shards', { waiting_for: waiting });
    return out;
  }
  return { ...out, released: await release(config, window, l) };
}
