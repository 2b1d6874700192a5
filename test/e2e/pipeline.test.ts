// The whole pipeline on the embedded network, twice with the same seed: raw snapshots and released
// Parquet are byte-identical, every production connector ran against its loopback peer, nothing
// was lost, and the published dataset recovers the simulator's ground truth.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModels, ingest, release } from '../../jobs/pipeline.ts';
import { ALL_JOBS } from '../../jobs/registry.ts';
import type { JobResult } from '../../jobs/job.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import type { Published } from '../../datasets/publish.ts';
import type { SessionTruth } from '../../network/activity.ts';
import { orchestratorHourly, startNetwork } from '../../network/index.ts';
import { archiveDamage } from '../network/damage.ts';

const log = logger({ test: 'e2e' });
const WORLD = { seed: 'e2e-determinism', scale: 0.5, start: '2026-11-16', days: 1 };
const FETCHED_AT = new Date('2026-11-17T03:00:00Z');

interface Run {
  dir: string;
  results: JobResult[];
  published: Published[];
  truth: SessionTruth[];
  /** Sessions a broken archive line took an event from. */
  damaged: SessionTruth[];
  endpoints: Record<string, string>;
  broken: { reason: string }[];
  duplicates: number;
}

async function runOnce(): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-e2e-'));
  const net = await startNetwork({ dir: join(dir, 'network'), world: WORLD, log });
  try {
    const config = { ...loadConfig({ LPDATA_DATA_DIR: join(dir, 'data') }), ...net.settings, endpoints: net.endpoints };
    const results = await ingest(ALL_JOBS, config, net.world.window, log, FETCHED_AT);
    const build = await buildModels(config, net.world.window, log);
    expect(build.failed.map((f) => f.name)).toEqual([]);
    const { published, held_back } = await release(config, net.world.window, log);
    expect(held_back).toEqual([]);
    return { dir, results, published, truth: net.activity.sessions, damaged: archiveDamage(net).sessions, endpoints: { ...net.endpoints }, broken: net.archive.broken, duplicates: net.archive.duplicates };
  } finally {
    await net.stop();
  }
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

let a: Run;
let b: Run;

beforeAll(async () => {
  a = await runOnce();
  b = await runOnce();
}, 300_000);

afterAll(async () => {
  for (const r of [a, b]) if (r) await rm(r.dir, { recursive: true, force: true });
});

describe('pipeline on the embedded network', () => {
  it('gives byte-identical raw snapshots for the same seed and window (load-test timings aside)', () => {
    const raw = (r: Run) => join(r.dir, 'data', 'raw');
    // Load tests measure real time against the reference gateway; their bundles repeat in outcomes
    // and counts (below, and test/loadtest), not in milliseconds.
    const data = files(raw(a)).filter((f) => !f.endsWith('_manifest.json') && !f.startsWith('loadtest/'));
    expect(data.length).toBeGreaterThan(40);
    expect(files(raw(b)).filter((f) => !f.endsWith('_manifest.json') && !f.startsWith('loadtest/'))).toEqual(data);
    for (const f of data) expect(digest(join(raw(b), f)), f).toBe(digest(join(raw(a), f)));
    // Manifests differ only in the loopback ports of the endpoints.
    for (const f of files(raw(a)).filter((x) => x.endsWith('_manifest.json') && !x.startsWith('loadtest/'))) {
      const strip = (r: Run) => {
        let text = readFileSync(join(raw(r), f), 'utf8');
        for (const url of Object.values(r.endpoints)) text = text.replaceAll(url.replace(/\/+$/, ''), '<endpoint>');
        return text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replaceAll(r.dir, '<dir>');
      };
      expect(strip(b), f).toBe(strip(a));
    }
  });

  it('repeats load tests in outcome classes and counts', () => {
    const outcomes = (r: Run) =>
      files(join(r.dir, 'data', 'raw', 'loadtest', 'requests'))
        .filter((f) => f.endsWith('records.ndjson.gz'))
        .flatMap((f) => gunzipSync(readFileSync(join(r.dir, 'data', 'raw', 'loadtest', 'requests', f))).toString('utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as { run_id: string; seq: number; outcome: string; orchestrator: string | null })
        .map((x) => `${x.run_id.replace(/-\d{8}t\d{6}z-/, '-').replace(/-[0-9a-f]{6}$/, '')} ${x.seq} ${x.outcome} ${x.orchestrator}`)
        .sort();
    expect(outcomes(a).length).toBeGreaterThan(100);
    expect(outcomes(b)).toEqual(outcomes(a));
  });

  it('gives byte-identical released Parquet and the same release ids (datasets of load-test timings aside)', () => {
    const timed = new Set(['loadtest_runs', 'loadtest_requests', 'workflow_traffic_daily']);
    const ids = (r: Run) => r.published.filter((p) => !timed.has(p.dataset_id)).map((p) => p.release_id);
    expect(ids(b)).toEqual(ids(a));
    for (const p of a.published.filter((x) => !timed.has(x.dataset_id))) {
      const manifest = JSON.parse(readFileSync(join(a.dir, 'data', 'store', p.manifestKey), 'utf8')) as { files: { path: string }[] };
      for (const f of manifest.files) {
        const part = (r: Run) => join(r.dir, 'data', 'store', dirname(p.manifestKey), f.path);
        expect(digest(part(b)), `${p.dataset_id}/${f.path}`).toBe(digest(part(a)));
      }
    }
  });

  it('ran every production connector against its loopback peer', () => {
    expect(a.results.map((r) => r.job)).toEqual(ALL_JOBS.map((j) => j.name));
    for (const r of a.results) {
      expect(r.manifests.length, r.job).toBeGreaterThan(0);
      expect(r.rows, r.job).toBeGreaterThan(0);
      for (const m of r.manifests) {
        // An endpoint is a loopback URL (some jobs name two) or a folder the network wrote.
        const urls = m.endpoint.match(/[a-z][a-z0-9+.-]*:\/\/[^\s]+/gi) ?? [];
        const local = urls.length > 0 ? urls.every((u) => u.startsWith('http://127.0.0.1:')) : m.endpoint.startsWith(join(a.dir, 'network'));
        expect(local, `${r.job}: ${m.endpoint}`).toBe(true);
      }
    }
  });

  it('reconciles every job: read = kept + quarantined, and each broken archive line is quarantined', () => {
    for (const r of a.results) expect(r.read, r.job).toBe(r.rows + r.quarantined);
    const events = a.results.find((r) => r.job === 'gateway_events.archive')!;
    const invalid = events.manifests.filter((m) => m.entity === '_invalid').reduce((s, m) => s + m.quarantined, 0);
    const duplicates = events.manifests.reduce((s, m) => s + (m.quarantine_reasons['duplicate envelope id'] ?? 0), 0);
    expect(invalid).toBe(a.broken.length);
    expect(duplicates).toBe(a.duplicates);
  });

  it('keeps event types nobody documents and flags each in the quality report of the releases that read them', () => {
    const dir = join(a.dir, 'data', 'raw', 'gateway_events', 'unknown');
    const counts = new Map<string, number>();
    for (const f of files(dir).filter((x) => x.endsWith('records.ndjson.gz'))) {
      for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').filter(Boolean)) {
        const type = (JSON.parse(line) as { type: string }).type;
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
    }
    expect(counts.size).toBeGreaterThan(0);
    const p = a.published.find((x) => x.dataset_id === 'gateway_event_families_hourly')!;
    const quality = JSON.parse(readFileSync(join(a.dir, 'data', 'store', dirname(p.manifestKey), 'quality.json'), 'utf8')) as { source_flags: { entity: string; flag: string }[] };
    const flagged = quality.source_flags.filter((f) => f.entity === 'unknown').map((f) => f.flag.replace(/^date=[\d-]+: /, ''));
    expect(flagged.sort()).toEqual([...counts].map(([t, n]) => `unknown event type ${t} (${n} events)`).sort());
  });

  it('publishes no stream or request ids, IP addresses or prompts', async () => {
    const ids = new Set(a.truth.flatMap((t) => [t.streamId, t.requestId]));
    for (const p of a.published) {
      const manifest = JSON.parse(readFileSync(join(a.dir, 'data', 'store', p.manifestKey), 'utf8')) as { files: { path: string }[] };
      const paths = manifest.files.map((f) => join(a.dir, 'data', 'store', dirname(p.manifestKey), f.path));
      const from = `read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false)`;
      const s = await openSession({ allowedPaths: paths });
      const cols = await queryRows<{ column_name: string; column_type: string }>(s.conn, `DESCRIBE SELECT * FROM ${from}`);
      for (const c of cols.filter((x) => x.column_type === 'VARCHAR')) {
        const values = await queryRows<{ v: string }>(s.conn, `SELECT DISTINCT "${c.column_name}" AS v FROM ${from} WHERE "${c.column_name}" IS NOT NULL`);
        for (const { v } of values) {
          expect(ids.has(v), `${p.dataset_id}.${c.column_name} holds a raw id`).toBe(false);
          expect(/\b\d{1,3}(\.\d{1,3}){3}\b/.test(v), `${p.dataset_id}.${c.column_name} holds an IP address: ${v}`).toBe(false);
          expect(/prompt|watercolor|cyberpunk/i.test(v), `${p.dataset_id}.${c.column_name} holds a prompt: ${v}`).toBe(false);
        }
      }
      s.close();
    }
  });

  it('recovers the ground truth: requested and startup-success sessions per orchestrator, model and hour', async () => {
    const p = a.published.find((x) => x.dataset_id === 'orchestrator_workflow_hourly')!;
    const path = join(a.dir, 'data', 'store', dirname(p.manifestKey), 'part-0.parquet');
    const s = await openSession({ allowedPaths: [path] });
    const rows = await queryRows<{ hour: string; orchestrator_address: string | null; model: string; requested_sessions: bigint; startup_success_sessions: bigint }>(
      s.conn,
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS hour, orchestrator_address, model, requested_sessions, startup_success_sessions FROM read_parquet(${sqlString(path)})`,
    );
    s.close();
    const key = (h: string, o: string | null, m: string) => `${h}|${o ?? ''}|${m}`;
    const got = new Map(rows.map((r) => [key(r.hour, r.orchestrator_address, r.model), [Number(r.requested_sessions), Number(r.startup_success_sessions)]]));
    const want = new Map(orchestratorHourly({ sessions: a.truth }).map((t) => [key(t.hour.slice(0, 13), t.orchestrator, t.model), [t.requested, t.startup_success]]));
    expect(a.truth.length).toBeGreaterThan(300);
    // A session that lost an event to a broken line may land with its orchestrator or with none.
    const hit = a.damaged.flatMap((d) => [key(new Date(d.hourMs).toISOString().slice(0, 13), d.orchestrator, ''), key(new Date(d.hourMs).toISOString().slice(0, 13), null, '')]);
    const exact = (m: Map<string, number[]>) => Object.fromEntries([...m].filter(([k]) => !hit.some((h) => k.startsWith(h))));
    expect(a.damaged.length).toBeLessThan(0.02 * a.truth.length);
    expect(exact(got)).toEqual(exact(want));
  });
});
