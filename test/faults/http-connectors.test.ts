// Each HTTP connector, run against its loopback peer while the peer misbehaves, ends with the same
// raw snapshot as an undisturbed run: a 429 with Retry-After, a burst of 5xx, a reply slower than
// the timeout, a page cut short, and a run that dies mid-way and is run again.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobContext } from '../../jobs/job.ts';
import { createLeaderboardJobs } from '../../jobs/leaderboard/jobs.ts';
import { createNaapJobs } from '../../jobs/naap/jobs.ts';
import { createPrometheusJobs } from '../../jobs/prometheus/jobs.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import type { Reply } from '../../network/http-server.ts';
import { startLeaderboard } from '../../network/leaderboard/server.ts';
import { startNaap } from '../../network/naap/server.ts';
import { startPrometheus } from '../../network/prometheus/server.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld } from '../../network/world.ts';

const log = logger({ test: 'faults' });
const world = createWorld({ seed: 'faults', scale: 0.25, days: 1 });
const activity = simulate(world);
const FETCHED_AT = new Date('2026-11-18T00:00:00Z');
const http = { baseDelayMs: 5, retries: 6, timeoutMs: 400 };
const root = await mkdtemp(join(tmpdir(), 'lp-faults-'));

interface Peer {
  url: string;
  inject(...r: Reply[]): void;
  stop(): Promise<void>;
}

interface Case {
  source: string;
  variable: string;
  start: () => Promise<Peer>;
  jobs: Job[];
  /** A successful body, cut in half: what a dropped connection leaves. */
  truncated: string;
}

const cases: Case[] = [
  { source: 'naap', variable: 'LPDATA_NAAP_URL', start: () => startNaap(world, activity), jobs: createNaapJobs({ pageLimit: 50, http }).filter((j) => j.name === 'naap.sla'), truncated: '{"data":[{"window_start":"2026-11-16T0' },
  { source: 'leaderboard', variable: 'LPDATA_LEADERBOARD_URL', start: () => startLeaderboard(world), jobs: createLeaderboardJobs({ http }).filter((j) => j.name === 'leaderboard.aggregated_stats'), truncated: '{"0xab": {"FRA": {"success_rate": 1, "round_' },
  { source: 'prometheus', variable: 'LPDATA_PROMETHEUS_URL', start: () => startPrometheus(world, activity), jobs: createPrometheusJobs({ http }).slice(0, 1), truncated: '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"livepeer_' },
];

const peers: Peer[] = [];
afterAll(async () => {
  for (const p of peers) await p.stop();
  await rm(root, { recursive: true, force: true });
});

function digests(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!e.endsWith('_manifest.json')) out[relative(dataDir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(join(dataDir, 'raw'))) walk(join(dataDir, 'raw'));
  return out;
}

async function runAll(c: Case, peer: Peer, dataDir: string) {
  const config = loadConfig({ LPDATA_DATA_DIR: dataDir, [c.variable]: peer.url, LPDATA_AI_LEADERBOARD_URL: peer.url });
  const ctx: JobContext = { config, window: world.window, log, fetchedAt: FETCHED_AT };
  for (const j of c.jobs) await j.run(ctx);
}

for (const c of cases) {
  describe(`${c.source} connector under faults`, () => {
    let peer: Peer;
    let baseline: Record<string, string>;
    beforeAll(async () => {
      peer = await c.start();
      peers.push(peer);
      const dir = join(root, c.source, 'undisturbed');
      await runAll(c, peer, dir);
      baseline = digests(dir);
      expect(Object.keys(baseline).length).toBeGreaterThan(0);
    }, 60_000);

    const faults: [string, () => Reply[]][] = [
      ['a 429 with Retry-After', () => [{ status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, body: 'slow down' }]],
      ['a burst of 5xx', () => [500, 502, 503, 504].map((status) => ({ status, body: 'upstream failed' }))],
      ['a reply slower than the timeout', () => [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{}', delayMs: 1_500 }]],
      ['a page cut short', () => [{ status: 200, headers: { 'content-type': 'application/json' }, body: c.truncated }]],
    ];
    for (const [name, replies] of faults) {
      it(`${name} ends with the same snapshot`, async () => {
        peer.inject(...replies());
        const dir = join(root, c.source, name.replaceAll(' ', '-'));
        await runAll(c, peer, dir);
        expect(digests(dir)).toEqual(baseline);
      }, 60_000);
    }

    it('a run that dies mid-way, run again, ends with the same snapshot', async () => {
      const dir = join(root, c.source, 'crash');
      // A non-retryable reply stops the job where it is, as a crash would.
      peer.inject({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'simulated crash' });
      await expect(runAll(c, peer, dir)).rejects.toThrow();
      await runAll(c, peer, dir);
      expect(digests(dir)).toEqual(baseline);
    }, 60_000);
  });
}
