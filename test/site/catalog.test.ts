// The catalog, metric and route loaders over a small release store.
import { readFile, rm, writeFile, mkdtemp, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogEntries, loadCatalog, loadMetrics } from '../../site/scripts/catalog.ts';
import { orchestratorAddresses, orchestratorPaths } from '../../site/scripts/routes.ts';
import { ECONOMICS_ONLY, FIXTURE_METRICS, LIVE_ORCHESTRATORS, SITE_FIXTURE_DATASETS, writeSiteStore } from './site-store.ts';

let tmp: string;
let store: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-site-catalog-'));
  store = join(tmp, 'store');
  await writeSiteStore(store);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('catalog loader', () => {
  it('lists every released dataset with its quality.json, check counts and the repository changelog', async () => {
    const entries = await catalogEntries(store);
    expect(entries.map((e) => e.id)).toEqual(['orchestrator_workflow_hourly', ...Object.keys(SITE_FIXTURE_DATASETS)].sort());
    const live = entries.find((e) => e.id === 'live_orchestrator_daily')!;
    expect(live.checks).toEqual({ passed: 2, failed: [], warnings: [] });
    expect(live.held_back).toBeNull();
    expect(live.quality).toMatchObject({ coverage: { share: 1 } });
    expect(live.quality).not.toHaveProperty('checks');
    expect(live.changelog).toBe(await readFile(join(import.meta.dirname, '..', '..', 'datasets', 'live_orchestrator_daily', 'CHANGELOG.md'), 'utf8'));
    // A release without a quality.json attachment reads null, not an empty report.
    expect(entries.find((e) => e.id === 'orchestrator_workflow_hourly')!.quality).toBeNull();
  });

  it('marks a dataset the latest publish held back, and lists every held-back dataset', async () => {
    const copy = join(tmp, 'held');
    await cp(store, copy, { recursive: true });
    const catalog = JSON.parse(await readFile(join(copy, 'catalog.json'), 'utf8'));
    const held = [
      { dataset: 'probe_results_daily', reason: 'source absent', failed_tests: [], sources_absent: [{ source: 'leaderboard', variables: ['LPDATA_LEADERBOARD_URL'] }], latest_release_id: '20261116-fixture000001' },
      { dataset: 'never_released', reason: 'contract test failed', failed_tests: [{ model: 'm', test: 't', detail: '1 offending rows' }], sources_absent: [], latest_release_id: null },
    ];
    await writeFile(join(copy, 'catalog.json'), JSON.stringify({ ...catalog, held_back: held }));
    const entries = await catalogEntries(copy);
    expect(entries.find((e) => e.id === 'probe_results_daily')!.held_back).toEqual({ reason: 'source absent', failed_tests: [], sources_absent: held[0]!.sources_absent });
    expect(entries.filter((e) => e.held_back).map((e) => e.id)).toEqual(['probe_results_daily']);
    expect(JSON.parse(String((await loadCatalog(copy)).body)).held_back.map((h: { dataset: string }) => h.dataset)).toEqual(['probe_results_daily', 'never_released']);
  });

  it('refuses a quality.json that differs from the digest in its manifest', async () => {
    const copy = join(tmp, 'tampered');
    await cp(store, copy, { recursive: true });
    const path = join(copy, 'probe_results_daily', 'v1', '20261116-fixture000001', 'quality.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('"share": 1', '"share": 0.5'));
    await expect(catalogEntries(copy)).rejects.toThrow(/probe_results_daily\/v1\/20261116-fixture000001\/quality\.json does not match the sha256/);
  });

  it('serves the metric registry, and names the fix when it is missing', async () => {
    const { body } = await loadMetrics(store);
    expect(JSON.parse(String(body)).metrics.map((m: { id: string }) => m.id)).toEqual(FIXTURE_METRICS.map((m) => m.id));
    const copy = join(tmp, 'no-metrics');
    await cp(store, copy, { recursive: true });
    await rm(join(copy, 'metrics.json'));
    await expect(loadMetrics(copy)).rejects.toThrow(/has no metrics\.json/);
  });
});

describe('orchestrator routes', () => {
  it('gives a page to every address in any dataset the orchestrator page reads', async () => {
    const addresses = await orchestratorAddresses(store);
    expect(addresses).toEqual([...LIVE_ORCHESTRATORS, ECONOMICS_ONLY].sort());
    expect(orchestratorPaths(addresses)[0]).toBe(`/orchestrators/${addresses[0]}`);
  });
});
