// Every ingest job, grouped by source. `lpdata ingest <source|job>` picks from here.
import { chainJobs } from './chain/job.ts';
import { gatewayEventsJob } from './gateway-events/archive.ts';
import type { Job } from './job.ts';
import { leaderboardJobs } from './leaderboard/jobs.ts';
import { loadtestJob } from './loadtest/bundles.ts';
import { naapJobs } from './naap/jobs.ts';
import { prometheusJobs } from './prometheus/jobs.ts';
import { regionsJob } from './reference/regions.ts';
import { subgraphJobs } from './subgraph/index.ts';
import { UserError } from '../lib/errors.ts';

export const SOURCES: Record<string, Job[]> = {
  gateway_events: [gatewayEventsJob],
  naap: naapJobs,
  prometheus: prometheusJobs,
  subgraph: subgraphJobs,
  chain: chainJobs,
  leaderboard: leaderboardJobs,
  loadtest: [loadtestJob],
  reference: [regionsJob],
};

export const ALL_JOBS: Job[] = Object.values(SOURCES).flat();

/** Jobs named by source or by job name, in registry order; every name must match something. */
export function selectJobs(names: string[]): Job[] {
  if (names.length === 0) return ALL_JOBS;
  const picked = new Set<Job>();
  for (const n of names) {
    const group = SOURCES[n];
    const job = ALL_JOBS.find((j) => j.name === n);
    if (!group && !job) throw new UserError(`no job or source named "${n}"`, `run \`lpdata jobs\` to list them; sources: ${Object.keys(SOURCES).join(', ')}`);
    for (const j of group ?? [job!]) picked.add(j);
  }
  return ALL_JOBS.filter((j) => picked.has(j));
}
