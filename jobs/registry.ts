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
import { ENDPOINT_VARS, type Config, type Endpoints } from '../lib/config.ts';
import type { AbsentSource } from '../datasets/publish.ts';

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

/**
 * The endpoints each source's jobs need. `reference` reads the repository (LPDATA_REGIONS is only
 * an overlay), so it is never absent.
 */
export const SOURCE_ENDPOINTS: Record<keyof typeof SOURCES, (keyof Endpoints)[]> = {
  gateway_events: ['gatewayEvents'],
  naap: ['naap'],
  prometheus: ['prometheus'],
  subgraph: ['subgraph'],
  chain: ['rpc'],
  leaderboard: ['leaderboard', 'aiLeaderboard'],
  loadtest: ['loadtests'],
  reference: [],
};

/** Sources read from the repository rather than the network. */
export const LOCAL_SOURCES = Object.keys(SOURCE_ENDPOINTS).filter((s) => SOURCE_ENDPOINTS[s]!.length === 0);

/** True when any source endpoint is set: the run reads real endpoints, not the embedded network. */
export const usesRealEndpoints = (config: Config) => Object.values(SOURCE_ENDPOINTS).flat().some((k) => config.endpoints[k]);

/**
 * Sources whose endpoints are not all set in a real-network run, with the variables to set. None on
 * the embedded network (no endpoint set at all), which serves every source.
 */
export function absentSources(config: Config): AbsentSource[] {
  if (!usesRealEndpoints(config)) return [];
  return Object.entries(SOURCE_ENDPOINTS).flatMap(([source, keys]) => {
    const missing = keys.filter((k) => !config.endpoints[k]);
    return missing.length ? [{ source, variables: missing.map((k) => ENDPOINT_VARS[k]) }] : [];
  });
}

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
