// Load tests on the embedded network: every committed plan is run from each probe region against
// the reference gateway, through the real runner, on a clock anchored in the simulated day.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPlan } from '../jobs/loadtest/plan.ts';
import { runPlan } from '../jobs/loadtest/runner.ts';
import type { Logger } from '../lib/log.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { PROBE_REGIONS, type World } from './world.ts';

export const PLANS_DIR = join(REPO_ROOT, 'jobs', 'loadtest', 'plans');

/** Runs every plan from every probe region, starting 09:00 simulated time; returns the run ids. */
export async function runEmbeddedLoadTests(world: World, gatewayUrl: string, out: string, log: Logger): Promise<string[]> {
  // A restarted network is the same simulated day: its load tests replace the previous start's.
  await rm(join(out, 'runs'), { recursive: true, force: true });
  const plans = readdirSync(PLANS_DIR).filter((f) => f.endsWith('.yml')).sort().map((f) => loadPlan(join(PLANS_DIR, f)));
  const runs = PROBE_REGIONS.flatMap((region, r) =>
    plans.map(async (plan, p) => {
      const anchor = world.window.from + 9 * 3_600_000 + r * 1_800_000 + p * 600_000;
      const t0 = Date.now();
      const result = await runPlan(plan, { gateway: gatewayUrl, out, vantageRegion: region, log, now: () => anchor + (Date.now() - t0) });
      return result.runId;
    }),
  );
  return (await Promise.all(runs)).sort();
}
