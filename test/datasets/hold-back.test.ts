// A surprise does not take the network's data down: when a model fails an `error` contract test,
// exactly its datasets and those of the models downstream are held back (their latest release kept,
// the reason in catalog.json and in the released datasets' quality.json), every other dataset is
// released, and the run reports the failing test with sample rows and exit status 3.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAll, type HeldBackDataset, type PublishResult, type ReleaseManifest } from '../../datasets/publish.ts';
import { heldBackError, holdBackText } from '../../jobs/outcome.ts';
import { descendants, discoverModels } from '../../lib/contracts.ts';
import { logger } from '../../lib/log.ts';
import { buildAll, readBuildReport, type BuildReport } from '../../lib/model-runner.ts';
import { ms } from '../../lib/time.ts';

const log = logger({ test: 'hold-back' });
const window = { from: ms(Date.parse('2026-11-16T00:00:00Z')), to: ms(Date.parse('2026-11-17T00:00:00Z')) };
const T = Date.parse('2026-11-16T05:00:00Z');
let root: string;

const columns = (kind: boolean) =>
  `columns:\n  - name: id\n    type: VARCHAR\n    description: "The id."\n${kind ? '    kind: key\n' : ''}  - name: at_ms\n    type: BIGINT\n    description: "Time."\n${kind ? '    kind: attribute\n' : ''}`;

/** Models: stg_things <- core_checked (error test) <- core_below; stg_things <- core_good (warn test); datasets over them. */
const MODELS: [layer: string, name: string, sql: string, inputs: string[], tests?: string][] = [
  ['staging', 'stg_things', "select json ->> '$.id' as id, cast(json ->> '$.t' as bigint) as at_ms from raw_src_things order by id", ['raw: src/things']],
  ['core', 'core_checked', 'select * from stg_things order by id', ['model: stg_things'], 'time is never negative\n      sql: select * from result where at_ms < 0'],
  ['core', 'core_good', 'select * from stg_things order by id', ['model: stg_things'], 'time is plausible\n      severity: warn\n      sql: select * from result where at_ms < 0'],
  ['core', 'core_below', 'select * from core_checked order by id', ['model: core_checked']],
  ['published', 'checked_daily', 'select * from core_checked order by id', ['model: core_checked']],
  ['published', 'good_daily', 'select * from core_good order by id', ['model: core_good']],
  ['published', 'mixed_daily', 'select b.id, b.at_ms from core_below b join core_good g using (id) order by id', ['model: core_below', 'model: core_good']],
];

async function writeRaw(records: { id: string; t: number }[]) {
  const dir = join(root, 'data/raw/src/things/date=2026-11-16');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'records.ndjson.gz'), gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
}

const opts = { modelsDir: '', dataDir: '', datasetsDir: '' };
const build = () => buildAll({ modelsDir: opts.modelsDir, dataDir: opts.dataDir, window, hashKey: 'k', log });
const release = (report: BuildReport, storeUri = join(root, 'store')) => publishAll({ ...opts, storeUri, window, build: report, log });
const store = (key: string) => readFile(join(root, 'store', key), 'utf8');
const json = async <T>(key: string) => JSON.parse(await store(key)) as T;

let first: PublishResult;
let report: BuildReport;
let second: PublishResult;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-holdback-'));
  Object.assign(opts, { modelsDir: join(root, 'models'), dataDir: join(root, 'data'), datasetsDir: join(root, 'datasets') });
  for (const [layer, name, sql, inputs, test] of MODELS) {
    await mkdir(join(root, 'models', layer), { recursive: true });
    await writeFile(join(root, 'models', layer, `${name}.sql`), sql);
    const tests = test ? `tests:\n  expect_no_rows:\n    - name: ${test}\n` : '';
    await writeFile(join(root, 'models', layer, `${name}.yml`), `name: ${name}\ndescription: A test model. One row per id.\ninputs:\n${inputs.map((i) => `  - ${i}\n`).join('')}primary_key: [id]\n${columns(layer === 'published')}${tests}`);
    if (layer !== 'published') continue;
    await mkdir(join(root, 'datasets', name), { recursive: true });
    await writeFile(join(root, 'datasets', name, 'dataset.yml'), `id: ${name}\ntitle: ${name}\ndescription: A test dataset.\ngrain: One row per id.\nmodel: ${name}\nversion: 1.0.0\nlicense: CC-BY-4.0\ncadence: daily\nsources: [src/things]\n`);
    await writeFile(join(root, 'datasets', name, 'schema.json'), JSON.stringify({ dataset_id: name, version: '1.0.0', columns: [{ name: 'id', type: 'VARCHAR' }, { name: 'at_ms', type: 'BIGINT' }] }));
  }
  await writeRaw([{ id: 'a', t: T }]);
  first = await release(await build());
  // The source now sends a value the contract says cannot happen.
  await writeRaw([{ id: 'a', t: T }, { id: 'b', t: -1000 }]);
  report = await build();
  second = await release(readBuildReport(opts.dataDir)!);
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a failing error test', () => {
  it('holds back exactly the datasets of the failed model and its descendants', () => {
    expect(first.published.map((p) => p.dataset_id)).toEqual(['checked_daily', 'good_daily', 'mixed_daily']);
    expect(first.held_back).toEqual([]);
    const models = discoverModels(opts.modelsDir);
    const downstream = new Set(['core_checked', ...descendants(models, ['core_checked'])]);
    const fed = models.filter((m) => m.contract.layer === 'published' && downstream.has(m.contract.name)).map((m) => m.contract.name);
    expect(second.held_back.map((h) => h.dataset)).toEqual(fed);
    expect(fed).toEqual(['checked_daily', 'mixed_daily']);
    expect(second.published.map((p) => [p.dataset_id, p.created])).toEqual([['good_daily', true]]);
    expect(report.failed.map((f) => f.name)).toEqual(['core_checked']);
    expect(report.held_back.map((h) => h.name)).toEqual(['checked_daily', 'core_below', 'mixed_daily']);
  });

  it('leaves the held-back datasets on their previous release and says why in catalog.json', async () => {
    const firstId = (id: string) => first.published.find((p) => p.dataset_id === id)!.release_id;
    for (const id of ['checked_daily', 'mixed_daily']) expect((await json<{ release_id: string }>(`${id}/latest.json`)).release_id).toBe(firstId(id));
    expect((await json<{ release_id: string }>('good_daily/latest.json')).release_id).toBe(second.published[0]!.release_id);
    expect((await readdir(join(root, 'store', 'checked_daily', 'v1'))).length).toBe(1);
    const catalog = await json<{ datasets: { id: string; latest: { release_id: string } }[]; held_back: HeldBackDataset[] }>('catalog.json');
    expect(catalog.datasets.map((d) => [d.id, d.latest.release_id])).toEqual([
      ['checked_daily', firstId('checked_daily')],
      ['good_daily', second.published[0]!.release_id],
      ['mixed_daily', firstId('mixed_daily')],
    ]);
    const failed_tests = [{ model: 'core_checked', test: 'time is never negative', detail: '1 offending rows' }];
    expect(catalog.held_back).toEqual([
      { dataset: 'checked_daily', model: 'checked_daily', window: { from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' }, reason: 'contract test failed', failed_tests, sources_absent: [], latest_release_id: firstId('checked_daily') },
      { dataset: 'mixed_daily', model: 'mixed_daily', window: { from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' }, reason: 'contract test failed', failed_tests, sources_absent: [], latest_release_id: firstId('mixed_daily') },
    ]);
    // The last good release of a held-back dataset stays queryable.
    expect(await store('views.sql')).toContain(`create or replace view checked_daily as select * from read_parquet(['checked_daily/v1/${firstId('checked_daily')}/part-0.parquet']`);
  });

  it('records the hold-back, and a failing warn test, in the released dataset', async () => {
    const p = second.published[0]!;
    const manifest = await json<ReleaseManifest>(p.manifestKey);
    expect(manifest.checks.filter((c) => !c.passed)).toEqual([{ model: 'core_good', test: 'time is plausible', passed: false, severity: 'warn', detail: '1 offending rows' }]);
    expect(manifest.checks.filter((c) => c.passed).map((c) => [c.model, c.test, c.severity])).toEqual([['good_daily', 'columns match contract', 'error'], ['good_daily', 'unique (id)', 'error']]);
    expect(manifest.source_coverage).toEqual([{ source: 'src', status: 'present' }]);
    const quality = await json<{ held_back: HeldBackDataset[]; checks: unknown[] }>(p.manifestKey.replace('manifest.json', 'quality.json'));
    expect(quality.held_back.map((h) => [h.dataset, h.reason, h.failed_tests[0]!.test])).toEqual([
      ['checked_daily', 'contract test failed', 'time is never negative'],
      ['mixed_daily', 'contract test failed', 'time is never negative'],
    ]);
    expect(quality.checks).toEqual(manifest.checks);
  });

  it('is reported by name with a sample of the offending rows, and exits 3', () => {
    const text = holdBackText(report, second.held_back);
    expect(text).toContain('model core_checked failed:\n  - time is never negative: 1 offending rows\n      {"id":"b","at_ms":-1000}\n  held back with it: checked_daily, core_below, mixed_daily\n');
    expect(text).toContain(`  - checked_daily: core_checked failed "time is never negative" (1 offending rows); latest stays ${first.published[0]!.release_id}\n`);
    const err = heldBackError(report, second.held_back, 'released')!;
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/^1 model\(s\) failed an error contract test \(core_checked\); 2 dataset\(s\) held back: checked_daily, mixed_daily; everything else was released/);
    expect(heldBackError({ ...report, failed: [], held_back: [] }, [], 'released')).toBeUndefined();
  });
});

describe('a release that cannot be completed', () => {
  it('publishes nothing when a dataset was not built for the window, and names it', async () => {
    const empty = join(root, 'store-partial');
    const withoutGood = { ...report, built: report.built.filter((b) => b.name !== 'good_daily') };
    await expect(release(withoutGood, empty)).rejects.toThrow(/nothing was published; 1 dataset\(s\) cannot be released:\n  - dataset good_daily: model good_daily has not been built for 2026-11-16T00:00:00Z to 2026-11-17T00:00:00Z/);
    await expect(readdir(empty)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a build of another window', async () => {
    const other = { ...report, window: { from: '2026-11-15T00:00:00Z', to: '2026-11-16T00:00:00Z' } };
    await expect(release(other, join(root, 'store-other'))).rejects.toThrow(/the last build covers 2026-11-15T00:00:00Z to 2026-11-16T00:00:00Z, not the release window/);
  });
});
