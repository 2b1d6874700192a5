// npm run bench -- --site-year: the site over a store holding a year of daily releases. One real
// day is simulated, ingested and built at a small volume; year-releases.ts publishes it for each of
// the days before, then the real day is released last (so it is every dataset's latest) and the
// site is built. Prints the build time and the heaviest pages.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runStage } from './child.ts';
import { pageWeights } from './page-weight.ts';
import { checked, CLI, machine, BENCH_DIR, secs, startEmbedded, table, type Row } from './stages.ts';
import { volumeArgs } from './volume.ts';

export interface SiteYearOptions {
  dir: string;
  /** Days of releases in the store, the simulated one included. */
  days: number;
  eventsPerDay: number;
}

const MB = 1024 * 1024;

export async function siteYear(o: SiteYearOptions): Promise<void> {
  const logs = join(o.dir, 'bench-logs');
  await mkdir(logs, { recursive: true });
  const out = process.stdout;
  out.write(`${await machine()}\nsite over ${o.days} daily releases: 1 simulated day at ${o.eventsPerDay} gateway events (network ${volumeArgs(o.eventsPerDay).join(' ')}), published for ${o.days - 1} earlier days too; stage logs in ${logs}\n`);
  const net = await startEmbedded(o.dir, logs, [...volumeArgs(o.eventsPerDay), '--days', '1']);
  const stage = (name: string, script: string, args: string[], ok = [0]) => runStage({ name, script, args, env: net.env, dir: logs }).then((r) => checked(name, r, ok));
  const w = ['--from', net.window.from, '--to', net.window.to];
  const rows: Row[] = [];
  try {
    const ingest = await stage('ingest', CLI, ['ingest', ...w]);
    const build = await stage('build', CLI, ['build', ...w], [0, 3]);
    rows.push({ stage: 'ingest (1 day)', wall_ms: ingest.wall_ms, peak_rss_mb: ingest.peak_rss_mb }, { stage: 'build (1 day)', wall_ms: build.wall_ms, peak_rss_mb: build.peak_rss_mb });
  } finally {
    await net.stop();
  }
  const year = await stage('year-releases', join(BENCH_DIR, 'year-releases.ts'), [String(o.days)]);
  const y = JSON.parse(year.stdout) as { releases: number };
  const release = await stage('release', CLI, ['release', ...w], [0, 3]);
  rows.push({ stage: `publish ${o.days - 1} earlier days`, wall_ms: year.wall_ms, peak_rss_mb: year.peak_rss_mb, note: `${y.releases} releases` }, { stage: 'release (simulated day)', wall_ms: release.wall_ms, peak_rss_mb: release.peak_rss_mb });
  const dist = join(o.dir, 'site');
  const site = await stage('site', CLI, ['site', '--out', dist]);
  const weights = pageWeights(dist).sort((a, b) => b.bytes - a.bytes);
  rows.push({ stage: 'site build', wall_ms: site.wall_ms, peak_rss_mb: site.peak_rss_mb, note: `${weights.length} pages` });
  out.write('\n' + table(rows));
  out.write(`\nsite build over ${o.days} days of releases: ${secs(site.wall_ms)} s\nheaviest pages (HTML + every file it names, MiB):\n`);
  for (const p of weights.slice(0, 5)) out.write(`  ${(p.bytes / MB).toFixed(2)}  ${p.page} (${p.files} files)\n`);
}
