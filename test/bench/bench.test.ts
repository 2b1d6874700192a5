// The benchmark runs end to end at a tiny volume and prints every stage with a time and a peak RSS.
// It asserts no timing: figures belong in BENCHMARKS.md.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';

const run = promisify(execFile);
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The table's cells for one stage: wall s, peak RSS MB, events/s. */
function row(out: string, stage: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith(stage));
  expect(line, `no "${stage}" row in:\n${out}`).toBeDefined();
  return line!.slice(stage.length).trim().split(/\s{2,}/);
}

describe('npm run bench', () => {
  it('prints every stage, the ratio to bare DuckDB and the year estimate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-bench-'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'main.ts'), '--events-per-day', '12000', '--days', '1', '--data-dir', dir], {
      cwd: REPO_ROOT,
      env: { ...process.env, LPDATA_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const stage of ['network (generate + serve)', 'ingest (every job)', 'build (every model)', 'release', 'bare DuckDB (same files)', 'hourly run (last hour)']) {
      const [wall, rss] = row(stdout, stage);
      expect(Number(wall), stage).toBeGreaterThan(0);
      // Each of these ran in its own process, which reported its own peak.
      expect(Number(rss), stage).toBeGreaterThan(50);
    }
    for (const sub of ['  gateway events job', '  gateway staging models']) {
      const [wall, rss, perSecond] = row(stdout, sub);
      expect(Number(wall)).toBeGreaterThan(0);
      expect(rss).toBe('-');
      expect(Number(perSecond)).toBeGreaterThan(0);
    }
    const ratio = /gateway-events path .*: ([\d.]+) s; bare DuckDB: ([\d.]+) s; ratio ([\d.]+)x/.exec(stdout);
    expect(ratio, stdout).not.toBeNull();
    // Each figure is printed to 0.1: the ratio must lie within what the printed parts allow.
    const [path, bare, printed] = [Number(ratio![1]), Number(ratio![2]), Number(ratio![3])];
    expect(printed).toBeGreaterThanOrEqual((path - 0.05) / (bare + 0.05) - 0.05);
    expect(printed).toBeLessThanOrEqual((path + 0.05) / (bare - 0.05) + 0.05);
    expect(stdout).toMatch(/x 365 = [\d.]+ h for a year/);
    // The bare baseline wrote a Parquet per family and the per-session aggregate.
    expect((await readdir(join(dir, 'bare-duckdb'))).sort()).toEqual(
      ['ai_stream_events', 'ai_stream_status', 'create_new_payment', 'discovery_results', 'network_capabilities', 'sessions', 'stream_ingest_metrics', 'stream_trace'].map((f) => `${f}.parquet`),
    );
  }, 300_000);
});
