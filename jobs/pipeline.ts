// The whole flow for one window: ingest every selected job, build the models, release the
// datasets, build the site. A model failing an `error` contract test holds back itself, what reads
// it and the datasets they feed; everything else is built and released (see jobs/outcome.ts).
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/log.ts';
import { MODELS_DIR } from '../lib/paths.ts';
import { buildAll, windowReport, type BuildAllOptions, type BuildReport } from '../lib/model-runner.ts';
import { iso, type Window } from '../lib/time.ts';
import { announce } from '../datasets/github-release.ts';
import { publishAll, type PublishResult } from '../datasets/publish.ts';
import type { Job, JobResult } from './job.ts';
import { absentSources, LOCAL_SOURCES } from './registry.ts';

/**
 * Runs the jobs in order. Jobs of a source with no endpoint in a real-network run are skipped with
 * one warning per source naming the variable to set; the datasets reading it say "source absent".
 */
export async function ingest(jobs: Job[], config: Config, window: Window, log: Logger, fetchedAt?: Date): Promise<JobResult[]> {
  const absent = absentSources(config).filter((a) => jobs.some((j) => j.source === a.source));
  for (const a of absent) {
    log.warn('source absent: no endpoint, its jobs are skipped and the datasets that read it are marked "source absent"', { source: a.source, set: a.variables, jobs: jobs.filter((j) => j.source === a.source).map((j) => j.name) });
  }
  const present = jobs.filter((j) => !absent.some((a) => a.source === j.source));
  const results: JobResult[] = [];
  for (const [i, job] of present.entries()) {
    const l = log.child({ job: job.name });
    l.info('job started', { step: `${i + 1}/${present.length}`, window: { from: iso(window.from), to: iso(window.to) } });
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

/** Builds the models (all, or the named ones and what they read) day by day, skipping unchanged days; the report is also kept in data/build/report.json. */
export async function buildModels(config: Config, window: Window, log: Logger, only?: string[], how?: BuildAllOptions): Promise<BuildReport> {
  return buildAll({ modelsDir: MODELS_DIR, dataDir: config.dataDir, window, hashKey: config.hashKey, log }, only, how);
}

/**
 * Releases the window as its days were built (data/build/days/, here or copied in from shards),
 * holding back what a day failed; names the days not built yet.
 */
export async function release(config: Config, window: Window, log: Logger): Promise<PublishResult & { build: BuildReport }> {
  const build = windowReport(config.dataDir, window, MODELS_DIR);
  const result = await publishAll({ dataDir: config.dataDir, storeUri: config.store, s3: config.s3, window, build, absentSources: absentSources(config), localSources: LOCAL_SOURCES, log });
  if (config.github) await announce(config.github, result.published, log);
  return { ...result, build };
}
