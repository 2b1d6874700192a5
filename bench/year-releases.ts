// For the site-at-a-year benchmark: runs the real publisher once for each of the N-1 days before
// the built day, over that one real build with its report's window set to the day, so the store
// holds a release of every dataset for every day (as a year of daily runs leaves it) at the cost of
// one build. Their rows are the built day's; the site reads only each dataset's latest release and
// every manifest (the catalog), which is what grows with the year.
// Usage: tsx bench/year-releases.ts <days> (LPDATA_DATA_DIR holds the build, LPDATA_STORE the store).
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import { readBuildReport } from '../lib/model-runner.ts';
import { DAY_MS, iso, isoDay, ms, type Window } from '../lib/time.ts';
import { publishAll } from '../datasets/publish.ts';
import { absentSources, LOCAL_SOURCES } from '../jobs/registry.ts';

/**
 * Where builds are kept per UTC day (build/<layer>/<model>/day=D.parquet beside a day record in
 * build/days/), a release reads the day files of its window, so the built day's files are copied
 * under the other day's name. A whole-window build (report.json only) needs nothing copied.
 */
async function copyBuiltDay(dataDir: string, built: string, day: Window): Promise<void> {
  const build = join(dataDir, 'build');
  const record = join(build, 'days', `day=${built}.json`);
  if (!existsSync(record)) return;
  const to = isoDay(day.from);
  const r = JSON.parse(await readFile(record, 'utf8')) as { day: string; window: { from: string; to: string } };
  await writeFile(join(build, 'days', `day=${to}.json`), JSON.stringify({ ...r, day: to, window: { from: iso(day.from), to: iso(day.to) } }));
  for (const f of await readdir(build, { recursive: true })) {
    if (f.endsWith(`/day=${built}.parquet`)) await copyFile(join(build, f), join(build, f.replace(`/day=${built}.parquet`, `/day=${to}.parquet`)));
  }
}

const days = Number(process.argv[2]);
if (!Number.isInteger(days) || days < 1) throw new Error(`usage: tsx bench/year-releases.ts <days>, got "${process.argv[2]}"`);
const config = loadConfig();
const report = readBuildReport(config.dataDir);
if (!report) throw new Error(`no build in ${config.dataDir}: run lpdata build first`);
const started = performance.now();
const built = Date.parse(report.window.from);
let releases = 0;
// Oldest first, as the daily runs would have published them.
for (let k = days - 1; k >= 1; k--) {
  const window = { from: ms(built - k * DAY_MS), to: ms(built - k * DAY_MS + DAY_MS) };
  await copyBuiltDay(config.dataDir, isoDay(ms(built)), window);
  const r = await publishAll({ dataDir: config.dataDir, storeUri: config.store, s3: config.s3, window, build: { ...report, window: { from: iso(window.from), to: iso(window.to) } }, absentSources: absentSources(config), localSources: LOCAL_SOURCES, log });
  releases += r.published.length;
}
process.stdout.write(JSON.stringify({ days: days - 1, releases, elapsed_ms: Math.round(performance.now() - started) }) + '\n');
