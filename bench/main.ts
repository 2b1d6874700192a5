// npm run bench: times the whole pipeline on the embedded network at a chosen volume, each stage in
// its own process (so its peak RSS is its own), and bare DuckDB over the same archive files in the
// same run. Prints figures only; nothing here asserts a timing.
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBuildReport } from '../lib/model-runner.ts';
import { MODELS_DIR } from '../lib/paths.ts';
import { runStage } from './child.ts';
import { siteYear } from './site-year.ts';
import { BARE, checked, CLI, HOUR_MS, machine, pipelineStages, secs, startEmbedded, table, type EmbeddedRun, type Row } from './stages.ts';
import { volumeArgs } from './volume.ts';

const USAGE = `npm run bench -- --events-per-day N --days D [--shards N] [--site] [--keep] [--start YYYY-MM-DD] [--data-dir DIR]
npm run bench -- --site-year [--days 365] [--events-per-day N] [--keep]`;

interface JobLine {
  job: string;
  read: number;
  duration_ms: number;
}

async function gatewayStagingModels(): Promise<Set<string>> {
  const files = await readdir(join(MODELS_DIR, 'staging', 'gateway_events'));
  return new Set(files.filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)));
}

interface RunOptions {
  eventsPerDay: number;
  days: number;
  shards: number;
  site: boolean;
  start?: string;
  dir: string;
}

async function benchRun(o: RunOptions): Promise<void> {
  const logs = join(o.dir, 'bench-logs');
  await mkdir(logs, { recursive: true });
  const out = process.stdout;
  out.write(`${await machine()}\nrun: ${o.eventsPerDay} gateway events/day (network ${volumeArgs(o.eventsPerDay).join(' ')}) x ${o.days} day(s); stage logs in ${logs}\n`);
  const networkArgs = [...volumeArgs(o.eventsPerDay), '--days', String(o.days), ...(o.start ? ['--start', o.start] : [])];
  const net = await startEmbedded(o.dir, logs, networkArgs);
  const rows: Row[] = [];
  try {
    const { ingest, build, release } = await pipelineStages(net.env, logs, net.window);
    const jobs = JSON.parse(ingest.stdout) as JobLine[];
    const gw = jobs.filter((j) => j.job.startsWith('gateway_events.'));
    const events = gw.reduce((s, j) => s + j.read, 0);
    const gwIngestMs = gw.reduce((s, j) => s + j.duration_ms, 0);
    const report = readBuildReport(o.dir)!;
    const staging = await gatewayStagingModels();
    const stagingMs = report.built.filter((b) => staging.has(b.name)).reduce((s, b) => s + b.duration_ms, 0);
    const heldBack = report.failed.length + report.held_back.length;
    rows.push(
      { stage: 'ingest (every job)', wall_ms: ingest.wall_ms, peak_rss_mb: ingest.peak_rss_mb, events, note: `${jobs.length} jobs` },
      { stage: '  gateway events job', wall_ms: gwIngestMs, peak_rss_mb: null, events, note: 'in-process job time' },
      { stage: 'build (every model)', wall_ms: build.wall_ms, peak_rss_mb: build.peak_rss_mb, events, note: `${report.built.length} built${heldBack ? `, ${heldBack} failed or held back` : ''}` },
      { stage: '  gateway staging models', wall_ms: stagingMs, peak_rss_mb: null, events, note: `${staging.size} models, sum of per-model times` },
      { stage: 'release', wall_ms: release.wall_ms, peak_rss_mb: release.peak_rss_mb },
    );
    if (o.site) {
      const site = checked('site', await runStage({ name: 'site', script: CLI, args: ['site', '--out', join(o.dir, 'site')], env: net.env, dir: logs }));
      rows.push({ stage: 'site', wall_ms: site.wall_ms, peak_rss_mb: site.peak_rss_mb });
    }
    const bare = checked('bare-duckdb', await runStage({ name: 'bare-duckdb', script: BARE, args: [net.archives, join(o.dir, 'bare-duckdb')], env: net.env, dir: logs }));
    const b = JSON.parse(bare.stdout) as { events: number; elapsed_ms: number; threads: number; files: number };
    rows.push({ stage: 'bare DuckDB (same files)', wall_ms: b.elapsed_ms, peak_rss_mb: bare.peak_rss_mb, events: b.events, note: `${b.files} files, ${b.threads} threads, in-process time (process ${secs(bare.wall_ms)} s)` });
    rows.push(await hourlyRow(net, logs));
    const shards = o.shards > 1 ? await shardRows(o, net, logs) : [];
    rows.push(...shards);
    const stopped = await net.stop();
    const networkRow: Row = { stage: 'network (generate + serve)', wall_ms: net.ready_ms, peak_rss_mb: stopped.peak_rss_mb, events, note: 'wall: until ready; RSS: whole life, without anvil' };
    const path = gwIngestMs + stagingMs;
    const dayMs = (ingest.wall_ms + build.wall_ms + release.wall_ms) / o.days;
    out.write('\n' + table([networkRow, ...rows]));
    out.write(`\ngateway-events path (ingest job + gateway staging models): ${secs(path)} s; bare DuckDB: ${secs(b.elapsed_ms)} s; ratio ${(path / b.elapsed_ms).toFixed(1)}x\n`);
    out.write(`ingest + build + release: ${secs(dayMs)} s per simulated day; x 365 = ${(dayMs * 365 / HOUR_MS).toFixed(1)} h for a year on one machine\n`);
    const slowest = shards.find((r) => r.stage.startsWith('sharded backfill (slowest'));
    const publish = shards.find((r) => r.stage === '  publish the union');
    if (slowest && publish) {
      const shardDayMs = slowest.wall_ms / o.days;
      out.write(`sharded: slowest of ${o.shards} shards ${secs(slowest.wall_ms)} s + publish ${secs(publish.wall_ms)} s; a year as ${o.shards} parallel shards: ${((shardDayMs * 365) / HOUR_MS).toFixed(1)} h + one publish\n`);
    }
  } catch (err) {
    await net.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * An hourly run after the full one: ingest, build and release of the window's last hour, whatever
 * the CLI does with an hour today. A stage that refuses the hour is a finding, printed, not a crash.
 */
async function hourlyRow(net: EmbeddedRun, logs: string): Promise<Row> {
  const hour = { from: new Date(Date.parse(net.window.to) - HOUR_MS).toISOString(), to: net.window.to };
  let h;
  try {
    h = await pipelineStages(net.env, logs, hour, '-hourly');
  } catch (err) {
    return { stage: 'hourly run (last hour)', wall_ms: 0, peak_rss_mb: null, note: `failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` };
  }
  const read = (JSON.parse(h.ingest.stdout) as JobLine[]).filter((j) => j.job.startsWith('gateway_events.')).reduce((s, j) => s + j.read, 0);
  return {
    stage: 'hourly run (last hour)',
    wall_ms: h.ingest.wall_ms + h.build.wall_ms + h.release.wall_ms,
    peak_rss_mb: Math.max(h.ingest.peak_rss_mb ?? 0, h.build.peak_rss_mb ?? 0, h.release.peak_rss_mb ?? 0),
    note: `ingest ${secs(h.ingest.wall_ms)} + build ${secs(h.build.wall_ms)} + release ${secs(h.release.wall_ms)} s; ${read} new gateway events read`,
  };
}

/**
 * The sharded backfill: `lpdata backfill --shard i/N --no-release` for each shard in its own data
 * folder, as a matrix job on its own machine would run it (so the slowest shard is the matrix's
 * wall time), then the publish job: every shard's build and raw manifests copied into one folder
 * and `lpdata release` over the window.
 */
async function shardRows(o: RunOptions, net: EmbeddedRun, logs: string): Promise<Row[]> {
  const rows: Row[] = [];
  const merged = join(o.dir, 'shards-merged');
  for (let i = 0; i < o.shards; i++) {
    const dir = join(o.dir, `shard-${i}`);
    const env = { ...net.env, LPDATA_DATA_DIR: dir, LPDATA_STORE: join(dir, 'store') };
    const r = await runStage({ name: `backfill-${i}`, script: CLI, args: ['backfill', '--from', net.window.from, '--to', net.window.to, '--shard', `${i}/${o.shards}`, '--no-release'], env, dir: logs });
    if (r.code === 2) return [{ stage: 'sharded backfill', wall_ms: 0, peak_rss_mb: null, note: `not run: this checkout's lpdata has no \`backfill --shard\` (exit 2, see ${r.log})` }];
    checked(`backfill-${i}`, r, [0, 3]);
    rows.push({ stage: `  backfill shard ${i}/${o.shards}`, wall_ms: r.wall_ms, peak_rss_mb: r.peak_rss_mb });
    await cp(join(dir, 'build'), join(merged, 'build'), { recursive: true });
    await cp(join(dir, 'raw'), join(merged, 'raw'), { recursive: true, filter: (src) => statSync(src).isDirectory() || basename(src) === '_manifest.json' });
  }
  const env = { ...net.env, LPDATA_DATA_DIR: merged, LPDATA_STORE: join(merged, 'store') };
  const publish = checked('publish-shards', await runStage({ name: 'publish-shards', script: CLI, args: ['release', '--from', net.window.from, '--to', net.window.to], env, dir: logs }), [0, 3]);
  return [
    { stage: 'sharded backfill (slowest shard)', wall_ms: Math.max(...rows.map((r) => r.wall_ms)), peak_rss_mb: Math.max(...rows.map((r) => r.peak_rss_mb ?? 0)), note: `${o.shards} shards, each ingest + build of its days` },
    ...rows,
    { stage: '  publish the union', wall_ms: publish.wall_ms, peak_rss_mb: publish.peak_rss_mb },
  ];
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} "${text}" is not a positive integer\nusage: ${USAGE}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      'events-per-day': { type: 'string' },
      days: { type: 'string' },
      shards: { type: 'string' },
      start: { type: 'string' },
      'data-dir': { type: 'string' },
      site: { type: 'boolean' },
      'site-year': { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    return;
  }
  const dir = v['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'lpdata-bench-')));
  try {
    if (v['site-year']) {
      await siteYear({ dir, days: positive('days', v.days, 365), eventsPerDay: positive('events-per-day', v['events-per-day'], 20_000) });
    } else {
      await benchRun({
        eventsPerDay: positive('events-per-day', v['events-per-day'], 100_000),
        days: positive('days', v.days, 1),
        shards: positive('shards', v.shards, 1),
        site: Boolean(v.site),
        start: v.start,
        dir,
      });
    }
  } finally {
    // A folder the caller named is theirs to keep.
    if (!v.keep && !v['data-dir']) await rm(dir, { recursive: true, force: true });
    else process.stdout.write(`kept: ${dir}\n`);
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
