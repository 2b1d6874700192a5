// Opens the built site in Debian's Chromium, served from 127.0.0.1, and checks what a reader sees.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnalyses } from '../../site/scripts/analyses.ts';
import { buildSite } from '../../site/scripts/build.ts';
import { repoRoot } from '../../site/scripts/paths.ts';
import { serveDir, type StaticServer } from '../../site/scripts/serve.ts';
import { HOURS, NEVER_REQUESTED, NO_ORCHESTRATOR_HOURS, ORCHESTRATORS, QUIET_HOURS, WORKFLOWS, sampleRows, type WrittenRelease } from './fixtures.ts';
import { ECONOMICS_ONLY, FIXTURE_METRICS, GATEWAYS, LIVE_ORCHESTRATORS, LIVE_WORKFLOW, LIVE_QUIET_HOURS, SITE_FIXTURE_DATASETS, liveRequested, liveStarted, writeSiteStore } from './site-store.ts';

// Debian's package; LPDATA_CHROMIUM points elsewhere (another distribution's path).
const CHROMIUM = process.env.LPDATA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const requireBrowser = process.env.LPDATA_REQUIRE_BROWSER === '1';
const haveChromium = existsSync(CHROMIUM);
const runBrowser = haveChromium || requireBrowser;
if (!runBrowser) {
  console.warn(`site browser test skipped: ${CHROMIUM} is missing (Debian package "chromium"). .ci/run installs it (.ci/install-debian-packages.sh); set LPDATA_REQUIRE_BROWSER=1 to make its absence a failure.`);
}

/** Everything the page fetched, with sizes, and everything that went wrong on it. */
interface Visit {
  page: Page;
  urls: string[];
  errors: string[];
  bytes: () => Promise<number>;
}

let tmp: string;
let release: WrittenRelease;
let server: StaticServer;
let browser: Browser;
let visit: Visit;
/** Each page opened once, by path, shared by the tests about it. */
const visits = new Map<string, Visit>();

const isLoopbackUrl = (url: string) => /^(data|blob|about):/.test(url) || new URL(url).hostname === '127.0.0.1';
const count = (n: number) => n.toLocaleString('en-US');

async function open(url: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const urls: string[] = [];
  const errors: string[] = [];
  const requests: import('playwright-core').Request[] = [];
  // Anything off loopback is recorded, then refused, so nothing leaves the machine.
  await context.route((u) => !isLoopbackUrl(u.href), (route) => route.abort());
  const page = await context.newPage();
  page.on('request', (r) => {
    urls.push(r.url());
    requests.push(r);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(url, { waitUntil: 'networkidle' });
  const bytes = async () => {
    let total = 0;
    for (const r of requests) {
      const s = await r.sizes();
      total += s.responseBodySize + s.responseHeadersSize;
    }
    return total;
  };
  return { page, urls, errors, bytes };
}

beforeAll(async () => {
  if (!runBrowser) return;
  if (!haveChromium) throw new Error(`LPDATA_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: install the Debian package chromium (.ci/install-debian-packages.sh)`);
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-site-browser-'));
  const store = join(tmp, 'store');
  release = await writeSiteStore(store);
  const { outDir } = await buildSite({ store, outDir: join(tmp, 'dist') });
  server = await serveDir(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  visit = await open(`${server.url}startup`);
  await visit.page.locator('svg[class^="plot-"]').first().waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  for (const v of visits.values()) await v.page.context().close();
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!runBrowser)('startup page in Chromium', () => {
  it('renders without console errors and fetches nothing off 127.0.0.1', async () => {
    expect(visit.errors).toEqual([]);
    expect(visit.urls.filter((u) => !isLoopbackUrl(u))).toEqual([]);
    expect(visit.urls.some((u) => /_file\/data\/orchestrator_workflow_hourly\.[0-9a-f]{8}\.parquet$/.test(u))).toBe(true);
  });

  it('shows the release id, version and freshness fields', async () => {
    const { page } = visit;
    expect(await page.locator('#release-id').textContent()).toBe(release.releaseId);
    const text = await page.locator('main').innerText();
    expect(text).toContain('orchestrator_workflow_hourly version 1.0.0');
    expect(text).toContain('created_at');
    expect(text).toContain('2026-11-17T00:05:00Z');
  });

  it('draws the hourly rate with a gap, not a 0%, where nothing was requested', async () => {
    const chart = visit.page.locator('svg[class^="plot-"]').first();
    expect(await chart.locator('g[aria-label="dot"] circle').count()).toBe(HOURS - QUIET_HOURS.length);
    expect(await chart.locator('g[aria-label="rect"] rect').count()).toBe(QUIET_HOURS.length);
    // One run of hours before the quiet hours and one after: the line is two pieces.
    const d = (await chart.locator('g[aria-label="line"] path').getAttribute('d')) ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('tables every orchestrator x workflow with its parts, and "no data" where none were requested', async () => {
    const rows = visit.page.locator('.pair-table tbody tr');
    // Plus one row for requests no orchestrator took and one for sessions not tied to an address.
    expect(await rows.count()).toBe(ORCHESTRATORS.length * WORKFLOWS.length + 2);
    const orphan = rows.filter({ hasText: 'no orchestrator found' });
    const orphanRequested = NO_ORCHESTRATOR_HOURS.length * 2;
    expect((await orphan.locator('td').allInnerTexts()).slice(1)).toEqual([`${WORKFLOWS[0]!.pipeline} · (no model reported)`, count(orphanRequested), '0', '0.0%', count(NO_ORCHESTRATOR_HOURS.length)]);
    const never = rows.filter({ hasText: NEVER_REQUESTED.orchestrator }).filter({ hasText: NEVER_REQUESTED.pipeline });
    expect((await never.locator('td').allInnerTexts()).slice(2)).toEqual(['0', '0', 'no data', '0']);

    const [o, wf] = [ORCHESTRATORS[0]!, WORKFLOWS[0]!];
    const parts = sampleRows().filter((r) => r.orchestrator_address === o && r.pipeline === wf.pipeline);
    const requested = parts.reduce((s, r) => s + r.requested_sessions, 0);
    const started = parts.reduce((s, r) => s + r.startup_success_sessions, 0);
    const row = rows.filter({ hasText: o }).filter({ hasText: wf.pipeline });
    expect((await row.locator('td').allInnerTexts()).slice(2, 5)).toEqual([count(requested), count(started), `${((started / requested) * 100).toFixed(1)}%`]);
  });

  it('filters chart and table to one workflow', async () => {
    const { page } = visit;
    const wf = WORKFLOWS[1]!;
    await page.locator('select').first().selectOption({ label: `${wf.pipeline} · ${wf.model}` });
    await expect.poll(() => page.locator('.pair-table tbody tr').count()).toBe(ORCHESTRATORS.length);
    expect(await page.locator('.pair-table').innerText()).not.toContain('no orchestrator found');
    await expect.poll(() => page.locator('svg[class^="plot-"]').first().locator('xpath=..').innerText()).toContain(`Startup success by hour — ${wf.pipeline}`);
    expect(visit.errors).toEqual([]);
  });

  it('saves a screenshot and reports the page weight', async () => {
    const { page } = visit;
    await page.locator('select').first().selectOption({ label: 'All workflows' });
    const dir = join(repoRoot, 'test-results', 'screenshots');
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'site-startup.png'), fullPage: true });
    const bytes = await visit.bytes();
    console.log(`site page weight /startup: ${(bytes / 1024).toFixed(0)} KiB over ${visit.urls.length} requests (uncompressed, no DuckDB-WASM)`);
    // DuckDB-WASM alone is ~36 MB; a page without SQL must stay far below that.
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
  });
});

/** Every page: where it lives, and the main chart or table that must be present with data. */
const PAGES: { path: string; shot: string; main: string }[] = [
  { path: '', shot: 'site-index', main: '#success-trend svg[class^="plot-"]' },
  { path: 'orchestrators', shot: 'site-orchestrators', main: '#leaderboard table tbody tr' },
  { path: `orchestrators/${LIVE_ORCHESTRATORS[0]}`, shot: 'site-orchestrator', main: '#live-history svg[class^="plot-"]' },
  { path: `orchestrators/${ECONOMICS_ONLY}`, shot: 'site-orchestrator-no-data', main: '#economics table tbody tr' },
  { path: 'gateways', shot: 'site-gateways', main: '#gateway-table tbody tr' },
  { path: 'economics', shot: 'site-economics', main: '#rounds-table tbody tr' },
  { path: 'workflows', shot: 'site-workflows', main: '#distribution svg[class^="plot-"]' },
  { path: 'metrics', shot: 'site-metrics', main: '#metric-table table tbody tr' },
  { path: 'datasets', shot: 'site-datasets', main: '#dataset-list section.dataset' },
  { path: 'quality', shot: 'site-quality', main: '#quality-table tbody tr' },
  { path: 'analyses/', shot: 'site-analyses', main: '#analysis-list section.analysis table tbody tr' },
];

async function visitPage(path: string, main: string): Promise<Visit> {
  let v = visits.get(path);
  if (!v) {
    v = await open(`${server.url}${path}`);
    await v.page.locator(main).first().waitFor({ timeout: 30_000 });
    visits.set(path, v);
  }
  return v;
}

const visitsErrors = (path: string) => visits.get(path)?.errors ?? ['page not opened'];
const cellTexts = async (page: Page, selector: string) => page.locator(selector).allInnerTexts();
const pct = (num: number, den: number) => `${((num / den) * 100).toFixed(1)}%`;
const liveTotals = (orchestrators: readonly string[]) => {
  let requested = 0;
  let started = 0;
  for (let h = 0; h < HOURS; h++) {
    orchestrators.forEach((_, o) => {
      requested += liveRequested(h, LIVE_ORCHESTRATORS.indexOf(orchestrators[o]!));
      started += liveStarted(h, LIVE_ORCHESTRATORS.indexOf(orchestrators[o]!));
    });
  }
  return { requested, started };
};

describe.skipIf(!runBrowser)('every page in Chromium', () => {
  it.each(PAGES)('/$path renders its main chart or table with no console error, nothing off 127.0.0.1, under 2 MB, without DuckDB-WASM', async ({ path, shot, main }) => {
    const v = await visitPage(path, main);
    expect(await v.page.locator(main).count()).toBeGreaterThan(0);
    expect(v.errors).toEqual([]);
    expect(v.urls.filter((u) => !isLoopbackUrl(u))).toEqual([]);
    expect(v.urls.filter((u) => /duckdb|parquet-wasm|apache-arrow|\.wasm/.test(u))).toEqual([]);
    const dir = join(repoRoot, 'test-results', 'screenshots');
    await mkdir(dir, { recursive: true });
    await v.page.screenshot({ path: join(dir, `${shot}.png`), fullPage: true });
    const bytes = await v.bytes();
    console.log(`site page weight /${path}: ${(bytes / 1024).toFixed(0)} KiB over ${v.urls.length} requests`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('overview: headline startup success is summed sessions over summed sessions, and quiet hours are gaps', async () => {
    const { page } = await visitPage('', PAGES[0]!.main);
    const { requested, started } = liveTotals(LIVE_ORCHESTRATORS);
    const headline = await page.locator('#headline .card').first().innerText();
    expect(headline).toContain(pct(started, requested));
    expect(headline).toContain(`${count(requested)} requested sessions`);
    const d = (await page.locator('#success-trend g[aria-label="line"] path').first().getAttribute('d')) ?? '';
    // The quiet hours are consecutive, so the line breaks once: two pieces.
    expect(LIVE_QUIET_HOURS).toHaveLength(2);
    expect(d.match(/M/g)).toHaveLength(2);
    expect(await page.locator('#sla-distribution svg[class^="plot-"]').count()).toBe(1);
    expect(await page.locator('.freshness tbody tr').count()).toBe(4);
  });

  it('leaderboard: one row per orchestrator x region x workflow with summed sessions and a Wilson interval; filters by workflow', async () => {
    const { page } = await visitPage('orchestrators', PAGES[1]!.main);
    const rows = page.locator('#leaderboard table tbody tr');
    expect(await rows.count()).toBe(LIVE_ORCHESTRATORS.length);
    const { requested, started } = liveTotals([LIVE_ORCHESTRATORS[0]!]);
    const row = rows.filter({ has: page.locator(`a[href$="${LIVE_ORCHESTRATORS[0]}"]`) });
    const text = await row.innerText();
    expect(text).toContain(count(requested));
    expect(text).toContain(pct(started, requested));
    await page.locator('select').first().selectOption({ label: 'All workflows' });
    await expect.poll(() => rows.count()).toBe(LIVE_ORCHESTRATORS.length);
  });

  it('orchestrator page: score components with benchmarks, economics, probes, and synthetic beside organic traffic', async () => {
    const { page } = await visitPage(`orchestrators/${LIVE_ORCHESTRATORS[0]}`, PAGES[2]!.main);
    expect(await page.locator('#address').innerText()).toBe(LIVE_ORCHESTRATORS[0]);
    const breakdown = await page.locator('#score-breakdown').innerText();
    expect(breakdown).toContain('p50 1,400 / p90 2,400 ms');
    expect(await page.locator('#score-breakdown tbody tr').count()).toBe(1);
    expect(await page.locator('#probes tbody tr').count()).toBe(2);
    const traffic = await cellTexts(page, '#traffic tbody tr');
    expect(traffic.map((t) => t.split('\t')[1])).toEqual(['organic', 'synthetic']);
    expect(await page.locator('#economics tbody tr').count()).toBe(1);
    expect(await page.locator('.no-data').count()).toBe(0);
  });

  it('orchestrator page: an address with no live data in the window says "no data", never 0', async () => {
    const { page } = await visitPage(`orchestrators/${ECONOMICS_ONLY}`, PAGES[3]!.main);
    expect(await page.locator('#live-none').innerText()).toMatch(/No live-video sessions for this orchestrator in the release window .*No data, not a 0% success rate/);
    expect(await page.locator('#live-history svg').count()).toBe(0);
    for (const section of ['#score-breakdown', '#probes', '#traffic']) {
      expect(await page.locator(`${section} .no-data`).count(), section).toBe(1);
      expect(await page.locator(`${section} table`).count(), section).toBe(0);
    }
    const summary = await page.locator('#summary').innerText();
    expect(summary).toContain('no data');
    expect(summary).not.toMatch(/\b0(\.0)?%/);
    expect(await page.locator('#economics tbody tr').count()).toBe(1);
  });

  it('gateways: demand with the unserved share and its interval, fees paid to each orchestrator', async () => {
    const { page } = await visitPage('gateways', '#gateway-table tbody tr');
    expect(await page.locator('#gateway-table tbody tr').count()).toBe(GATEWAYS.length);
    // Per gateway: 24 hours of 5 + h % 4 requested, one unserved every sixth hour.
    const requested = Array.from({ length: HOURS }, (_, h) => 5 + (h % 4)).reduce((a, b) => a + b, 0);
    const row = (await page.locator('#gateway-table tbody tr').first().innerText()).split('\t');
    expect(row.slice(1, 4)).toEqual([count(requested), count(requested - 4), '4']);
    expect(row[4]).toMatch(new RegExp(`^${pct(4, requested).replace('.', '\\.')} \\[`));
    expect(await page.locator('#fees-table tbody tr').count()).toBe(GATEWAYS.length * LIVE_ORCHESTRATORS.length);
    expect(await page.locator('#fees-chart svg[class^="plot-"]').count()).toBe(1);
  });

  it('economics: reward-call rate per round over decided rounds, with its interval', async () => {
    const { page } = await visitPage('economics', '#rounds-table tbody tr');
    const rows = await cellTexts(page, '#rounds-table tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.split('\t')[7]).toMatch(/^66\.7% \[/);
    expect(await page.locator('#orchestrator-economics tbody tr').count()).toBe(LIVE_ORCHESTRATORS.length + 1);
  });

  it('workflows and regions: summed per group, switchable between workflow and region', async () => {
    const { page } = await visitPage('workflows', '#distribution svg[class^="plot-"]');
    const { requested, started } = liveTotals(LIVE_ORCHESTRATORS);
    const rows = await cellTexts(page, '#group-table tbody tr');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split('\t').slice(0, 3)).toEqual([`${LIVE_WORKFLOW.pipeline} · ${LIVE_WORKFLOW.model}`, count(requested), expect.stringMatching(new RegExp(`^${pct(started, requested).replace('.', '\\.')} \\[`))]);
    expect(await page.locator('#distribution g[aria-label="dot"] circle').count()).toBe(LIVE_ORCHESTRATORS.length);
    await page.getByLabel('region').check();
    await expect.poll(async () => (await cellTexts(page, '#group-table tbody tr')).map((r) => r.split('\t')[0])).toEqual(['FRA']);
    expect(visitsErrors('workflows')).toEqual([]);
  });

  it('metric catalog lists every metric in the registry with its formula', async () => {
    const { page } = await visitPage('metrics', PAGES[4]!.main);
    expect(await page.locator('#metric-table table tbody tr').count()).toBe(FIXTURE_METRICS.length);
    expect(await page.locator('#metric-table').innerText()).toContain(FIXTURE_METRICS[1]!.formula);
  });

  it('dataset pages: every catalog dataset with schema, snippets and changelog', async () => {
    const { page } = await visitPage('datasets', PAGES[5]!.main);
    const ids = ['orchestrator_workflow_hourly', ...Object.keys(SITE_FIXTURE_DATASETS)].sort();
    expect(await page.locator('#dataset-list section.dataset').evaluateAll((els) => els.map((e) => e.id))).toEqual(ids);
    const live = page.locator('section#live_orchestrator_daily');
    expect(await live.locator('table.schema tbody tr').count()).toBeGreaterThan(30);
    expect(await live.textContent()).toContain('duckdb -c "select * from read_parquet([');
    // The changelog comes from the repository's datasets/<id>/CHANGELOG.md.
    expect(await live.locator('details').last().textContent()).toContain('## 1.0.0');
  });

  it('example analyses: every sql/analyses file with its SQL and a result table', async () => {
    const { page } = await visitPage('analyses/', '#analysis-list section.analysis table tbody tr');
    const analyses = await readAnalyses();
    expect(await page.locator('#analysis-list section.analysis').evaluateAll((els) => els.map((e) => e.id))).toEqual(analyses.map((a) => a.name));
    for (const a of analyses) {
      const section = page.locator(`section#${a.name}`);
      expect(await section.locator('pre code').textContent()).toBe(a.sql);
      expect(await section.locator('table tbody tr').count(), a.name).toBeGreaterThan(0);
    }
  });

  it('data quality shows every dataset with its checks', async () => {
    const { page } = await visitPage('quality', PAGES[6]!.main);
    expect(await page.locator('#quality-table tbody tr').count()).toBe(1 + Object.keys(SITE_FIXTURE_DATASETS).length);
    expect(await page.locator('#quality-table').innerText()).toContain('2 passed');
    const reconciliation = await cellTexts(page, '#reconciliation tbody tr');
    expect(reconciliation.map((r) => r.split('\t')[2])).toEqual(['mismatch', 'matched']);
    expect(await page.locator('#reconciliation').innerText()).toContain('1 of 2 orchestrator-days match');
  });
});
