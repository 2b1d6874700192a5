// The whole flow for one window: ingest every selected job, build the models, release the
// datasets, build the site. A failure stops the run before anything is published.
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/log.ts';
import { MODELS_DIR } from '../lib/paths.ts';
import { buildAll, type BuiltModel } from '../lib/model-runner.ts';
import { iso, type Window } from '../lib/time.ts';
import { announce } from '../datasets/github-release.ts';
import { publishAll, type Published } from '../datasets/publish.ts';
import type { Job, JobResult } from './job.ts';

export async function ingest(jobs: Job[], config: Config, window: Window, log: Logger, fetchedAt?: Date): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const [i, job] of jobs.entries()) {
    const l = log.child({ job: job.name });
    l.info('job started', { step: `${i + 1}/${jobs.length}`, window: { from: iso(window.from), to: iso(window.to) } });
    try {
      const r = await job.run({ config, window, log: l, fetchedAt });
      l.info('job finished', { read: r.read, rows: r.rows, quarantined: r.quarantined, bytes: r.bytes, partitions: r.manifests.length, duration_ms: r.duration_ms, up_to_date: r.upToDate ?? false });
      results.push(r);
    } catch (err) {
      throw new Error(`job ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return results;
}

export async function buildModels(config: Config, window: Window, log: Logger, only?: string[]): Promise<BuiltModel[]> {
  return buildAll({ modelsDir: MODELS_DIR, dataDir: config.dataDir, window, hashKey: config.hashKey, log }, only);
}

export async function release(config: Config, window: Window, built: BuiltModel[], log: Logger): Promise<Published[]> {
  const published = await publishAll({ dataDir: config.dataDir, storeUri: config.store, s3: config.s3, window, built, log });
  if (config.github) await announce(config.github, published, log);
  return published;
}
