// Opens the built site in Debian's Chromium, served from 127.0.0.1, and checks what a reader sees.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../site/scripts/build.ts';
import { repoRoot } from '../../site/scripts/paths.ts';
import { serveDir, type StaticServer } from '../../site/scripts/serve.ts';
import { HOURS, NEVER_REQUESTED, NO_ORCHESTRATOR_HOURS, ORCHESTRATORS, QUIET_HOURS, WORKFLOWS, sampleRows, writeRelease, type WrittenRelease } from './fixtures.ts';

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
  release = await writeRelease(store, sampleRows());
  const { outDir } = await buildSite({ store, outDir: join(tmp, 'dist') });
  server = await serveDir(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  visit = await open(server.url);
  await visit.page.locator('svg[class^="plot-"]').first().waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!runBrowser)('site in Chromium', () => {
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
    await page.screenshot({ path: join(dir, 'site-index.png'), fullPage: true });
    const bytes = await visit.bytes();
    console.log(`site page weight: ${(bytes / 1024).toFixed(0)} KiB over ${visit.urls.length} requests (uncompressed, no DuckDB-WASM)`);
    // DuckDB-WASM alone is ~36 MB; a page without SQL must stay far below that.
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
  });
});
