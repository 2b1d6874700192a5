// Load-test result bundles as a reference tester would leave them: one folder per run with a run
// manifest and its per-request outcomes (outcome classes as the AI job tester defines them).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, stableJson } from '../lib/hash.ts';
import { Rng } from '../lib/rng.ts';
import { DAY_MS, iso, ms } from '../lib/time.ts';
import { PROBE_REGIONS, type World } from './world.ts';

export const BUNDLE_FORMAT = 'lpdata-loadtest-bundle/1';
export const OUTCOMES = ['passed', 'deferred_busy', 'deferred_indeterminate', 'failed', 'unscored'] as const;

export interface RequestRecord {
  run_id: string;
  seq: number;
  scheduled_at_ms: number;
  sent_at_ms: number;
  ttfb_ms: number | null;
  completed_at_ms: number | null;
  http_status: number | null;
  outcome: (typeof OUTCOMES)[number];
  error: string | null;
  orchestrator: string | null;
  pipeline: string;
  model: string;
  input_sha256: string;
  response_sha256: string | null;
}

const percentile = (sorted: number[], p: number) => {
  if (sorted.length === 0) return null;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
};

/** Writes one run per probe region per simulated day; returns the run ids. */
export async function writeLoadTests(root: string, world: World): Promise<string[]> {
  await rm(join(root, 'runs'), { recursive: true, force: true });
  const ids: string[] = [];
  const flow = world.workflows.find((w) => w.pipeline === 'text-to-image')!;
  const targets = world.orchestrators.filter((o) => o.workflows.some((w) => w.model === flow.model));
  const prompts = ['a bear', 'a red fox in snow', 'a lighthouse at night'];
  const inputHashes = prompts.map((p) => sha256(p));
  const plan = { id: 'text-to-image-smoke', version: '1', pipeline: flow.pipeline, model: flow.model, requests: 40, interval_ms: 15_000 };
  const planSha = sha256(stableJson(plan));
  for (let day: number = world.window.from; day < world.window.to; day += DAY_MS) {
    for (const region of PROBE_REGIONS) {
      const rng = new Rng(`${world.options.seed}/loadtest/${day}/${region}`);
      const runId = `lt-${iso(ms(day)).slice(0, 10)}-${region.toLowerCase()}-${rng.hex(6)}`;
      const start = day + 9 * 3_600_000 + PROBE_REGIONS.indexOf(region) * 1_800_000;
      const records: RequestRecord[] = [];
      for (let seq = 0; seq < plan.requests && targets.length > 0; seq++) {
        const o = targets[seq % targets.length]!;
        const scheduled = start + seq * plan.interval_ms;
        const sent = scheduled + rng.int(0, 40);
        const busy = rng.chance(0.05);
        const fail = !busy && rng.chance(o.behaviour.batchFailP);
        const latency = Math.round(Math.max(200, rng.normal(o.behaviour.batchLatencyMs, o.behaviour.batchLatencyMs * 0.2)) + (o.region === region ? 0 : rng.int(60, 180)));
        const outcome = busy ? 'deferred_busy' : fail ? 'failed' : 'passed';
        records.push({
          run_id: runId,
          seq,
          scheduled_at_ms: scheduled,
          sent_at_ms: sent,
          ttfb_ms: busy ? null : Math.round(latency * 0.9),
          completed_at_ms: busy ? sent + rng.int(20, 80) : sent + latency,
          http_status: busy ? 503 : fail ? 500 : 200,
          outcome,
          error: busy ? 'insufficient capacity' : fail ? 'runner returned 500: inference error' : null,
          orchestrator: busy ? null : o.address,
          pipeline: plan.pipeline,
          model: plan.model,
          input_sha256: inputHashes[seq % inputHashes.length]!,
          response_sha256: outcome === 'passed' ? sha256(`${runId}/${seq}`) : null,
        });
      }
      const body = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
      const passed = records.filter((r) => r.outcome === 'passed');
      const scored = records.filter((r) => r.outcome === 'passed' || r.outcome === 'failed');
      const lat = passed.map((r) => r.completed_at_ms! - r.sent_at_ms).sort((a, b) => a - b);
      const manifest = {
        format: BUNDLE_FORMAT,
        run_id: runId,
        status: 'complete',
        plan: { ...plan, sha256: planSha },
        runner: { name: 'lpdata-embedded-tester', version: '0.1.0' },
        gateway: { version: '0.8.9-embedded' },
        vantage_region: region,
        clock_offset_ms: 0,
        inputs: prompts.map((_, i) => ({ pool_id: `prompt-${i}`, sha256: inputHashes[i] })),
        started_at: iso(ms(records[0]?.sent_at_ms ?? start)),
        ended_at: iso(ms(Math.max(...records.map((r) => r.completed_at_ms ?? r.sent_at_ms), start))),
        records: { file: 'requests.ndjson', count: records.length, sha256: sha256(body) },
        summary: {
          requests: records.length,
          passed: passed.length,
          failed: records.filter((r) => r.outcome === 'failed').length,
          deferred: records.filter((r) => r.outcome.startsWith('deferred')).length,
          success_rate: scored.length ? passed.length / scored.length : null,
          latency_p50_ms: percentile(lat, 0.5),
          latency_p95_ms: percentile(lat, 0.95),
        },
      };
      const dir = join(root, 'runs', runId);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'requests.ndjson'), body);
      await writeFile(join(dir, 'manifest.json'), stableJson(manifest) + '\n');
      ids.push(runId);
    }
  }
  return ids;
}
