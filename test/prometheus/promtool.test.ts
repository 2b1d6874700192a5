// The connector reads the same values from a real Prometheus, backfilled with the peer's history
// through `promtool tsdb create-blocks-from openmetrics`, as from the peer itself. Needs Debian's
// `prometheus` package (prometheus and promtool on PATH); skipped with a reason without it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { HOUR_MS, ms } from '../../lib/time.ts';
import { createPrometheusJobs } from '../../jobs/prometheus/jobs.ts';
import { writeOpenMetrics } from '../../network/prometheus/openmetrics.ts';
import { startPrometheus } from '../../network/prometheus/server.ts';
import { createWorld } from '../../network/world.ts';
import { gatewayActivity } from './activity.ts';

process.env.LPDATA_LOG_LEVEL = 'error';

const onPath = (bin: string) => (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, bin)));
const missing = ['prometheus', 'promtool'].filter((b) => !onPath(b));
const required = process.env.LPDATA_REQUIRE_PROMETHEUS === '1';
if (missing.length > 0 && !required) {
  console.warn(`skipping the real-Prometheus comparison: ${missing.join(' and ')} not on PATH (Debian package "prometheus"; .ci/run installs it with .ci/install-debian-packages.sh; set LPDATA_REQUIRE_PROMETHEUS=1 to make its absence a failure)`);
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready in 20 s');
}

describe('Prometheus is present when required', () => {
  it.skipIf(!required)('finds prometheus and promtool on PATH', () => {
    expect(missing, 'LPDATA_REQUIRE_PROMETHEUS=1: install the Debian package prometheus (.ci/install-debian-packages.sh)').toEqual([]);
  });
});

describe.skipIf(missing.length > 0)('Prometheus connector against a real Prometheus', () => {
  it('reads identical series from the peer and from Prometheus backfilled with the same history', async () => {
    const world = createWorld({ start: '2026-11-16', days: 1, scale: 0.25 });
    const activity = gatewayActivity(world, 200);
    // Two hours of scrapes keep the backfill small; both servers hold exactly those samples.
    const scrapeWindow = { from: world.window.from, to: ms(world.window.from + 2 * HOUR_MS) };
    const peer = await startPrometheus(world, activity, { scrapeWindow });
    cleanup.push(() => peer.stop());

    const dir = await mkdtemp(join(tmpdir(), 'promtool-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeOpenMetrics(join(dir, 'history.om'), peer.series, scrapeWindow);
    const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'tsdb')], { encoding: 'utf8' });
    expect(backfill.status, backfill.stderr).toBe(0);
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    const port = await freePort();
    const proc = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
    ], { stdio: 'ignore' });
    cleanup.push(async () => {
      if (proc.exitCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      await exited;
    });
    const real = `http://127.0.0.1:${port}`;
    await waitReady(real, proc);

    const runs: Record<string, string> = { peer: peer.url, real };
    const out: Record<string, string> = {};
    for (const [name, url] of Object.entries(runs)) {
      const dataDir = join(dir, `data-${name}`);
      for (const job of createPrometheusJobs()) {
        await job.run({ config: loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_PROMETHEUS_URL: url }), window: world.window, log: logger(), fetchedAt: new Date(0) });
      }
      out[name] = dataDir;
    }
    for (const job of createPrometheusJobs()) {
      const file = (d: string) => join(d, 'raw', 'prometheus', job.entity, 'date=2026-11-16', 'records.ndjson.gz');
      const a = gunzipSync(await readFile(file(out.peer!))).toString('utf8');
      const b = gunzipSync(await readFile(file(out.real!))).toString('utf8');
      expect(b.length, job.entity).toBeGreaterThan(0);
      expect(b, job.entity).toBe(a);
    }
  }, 120_000);
});
