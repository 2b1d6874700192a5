// The model runner: a model sees only its declared inputs, run parameters come from variables, and
// a failing `error` contract test holds back the model and what reads it while the rest is built.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverModels } from '../../lib/contracts.ts';
import { logger } from '../../lib/log.ts';
import { buildAll, buildModel, readBuildReport } from '../../lib/model-runner.ts';
import { ms } from '../../lib/time.ts';

const log = logger({ test: 'runner' });
const window = { from: ms(Date.parse('2026-11-16T00:00:00Z')), to: ms(Date.parse('2026-11-17T00:00:00Z')) };
let root: string;

const contract = (name: string, inputs: string, extra = '') => `name: ${name}
description: A test model. One row per id.
inputs:
${inputs}
primary_key: [id]
columns:
  - name: id
    type: VARCHAR
    description: "The id."
  - name: at_ms
    type: BIGINT
    description: "Time."
${extra}`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-runner-'));
  const raw = join(root, 'data/raw/src/things/date=2026-11-16');
  await mkdir(raw, { recursive: true });
  const lines = [{ id: 'a', t: Date.parse('2026-11-16T05:00:00Z') }, { id: 'b', t: Date.parse('2026-11-17T05:00:00Z') }].map((x) => JSON.stringify(x)).join('\n') + '\n';
  await writeFile(join(raw, 'records.ndjson.gz'), gzipSync(lines));
  await mkdir(join(root, 'models/staging'), { recursive: true });
  await writeFile(
    join(root, 'models/staging/stg_things.sql'),
    "select json ->> '$.id' as id, cast(json ->> '$.t' as bigint) as at_ms from raw_src_things where cast(json ->> '$.t' as bigint) < getvariable('window_to_ms') order by id",
  );
  await writeFile(join(root, 'models/staging/stg_things.yml'), contract('stg_things', '  - raw: src/things'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('model runner', () => {
  const opts = () => ({ modelsDir: join(root, 'models'), dataDir: join(root, 'data'), window, hashKey: 'k', log });
  const built = (layer: string, name: string) => existsSync(join(root, 'data/build', layer, name, 'day=2026-11-16.parquet'));

  it('builds from declared raw inputs, filtering by the window variable', async () => {
    const report = await buildAll(opts());
    expect(report.built.map((b) => [b.name, b.rows])).toEqual([['stg_things', 1]]);
    expect(report.built[0]!.tests.every((t) => t.passed && t.severity === 'error')).toBe(true);
    expect(readBuildReport(join(root, 'data'))).toEqual(report);
  });

  it('refuses a model that opens a file it did not declare, even past the layer check', async () => {
    await writeFile(join(root, 'secret.csv'), 'id,at_ms\nx,1\n');
    await writeFile(join(root, 'models/staging/stg_things.sql'), `select id, at_ms from read_csv('${join(root, 'secret.csv')}')`);
    const [m] = discoverModels(join(root, 'models'));
    await expect(buildModel(m!, new Map([[m!.contract.name, m!]]), opts())).rejects.toThrow(/Permission Error|disabled by configuration/);
  });

  it('records a query that fails on a value (a cast of a surprise) as that model failing, with the error', async () => {
    await writeFile(join(root, 'models/staging/stg_things.sql'), "select json ->> '$.id' as id, cast(json ->> '$.id' as bigint) as at_ms from raw_src_things");
    const report = await buildAll(opts());
    expect(report.failed.map((f) => [f.name, f.tests, /Conversion Error/.test(f.error ?? '')])).toEqual([['stg_things', [], true]]);
  });

  it('holds back a model whose built columns differ from the contract', async () => {
    await writeFile(join(root, 'models/staging/stg_things.sql'), "select json ->> '$.id' as id, 1.5 as at_ms from raw_src_things");
    const report = await buildAll(opts());
    expect(report.built).toEqual([]);
    const failing = report.failed[0]!.tests.filter((t) => !t.passed);
    expect(failing.map((t) => t.test)).toEqual(['columns match contract']);
    expect(failing[0]!.detail).toMatch(/built: id VARCHAR, at_ms DECIMAL/);
    expect(built('staging', 'stg_things')).toBe(false);
  });

  it('holds back a model whose key is not unique, with the duplicated keys as the sample', async () => {
    await writeFile(join(root, 'models/staging/stg_things.sql'), "select 'same' as id, cast(json ->> '$.t' as bigint) as at_ms from raw_src_things");
    const report = await buildAll(opts());
    const t = report.failed[0]!.tests.find((x) => !x.passed)!;
    expect([t.test, t.severity, t.detail, t.sample]).toEqual(['unique (id)', 'error', '1 duplicated keys', [{ id: 'same', copies: 2 }]]);
  });

  describe('with models downstream', () => {
    // stg_things <- core_checked <- core_below, and stg_things <- core_other: core_checked's test
    // fails on a negative value once the source sends one.
    const checked = (severity: string) =>
      contract('core_checked', '  - model: stg_things', `tests:\n  expect_no_rows:\n    - name: time is never negative\n      severity: ${severity}\n      sql: select * from result where at_ms < 0\n`);
    beforeEach(async () => {
      await mkdir(join(root, 'models/core'), { recursive: true });
      for (const [name, from] of [['core_checked', 'stg_things'], ['core_below', 'core_checked'], ['core_other', 'stg_things']] as const) {
        await writeFile(join(root, `models/core/${name}.sql`), `select id, at_ms from ${from} order by id`);
        await writeFile(join(root, `models/core/${name}.yml`), contract(name, `  - model: ${from}`));
      }
      await writeFile(join(root, 'models/core/core_checked.yml'), checked('error'));
    });
    const surprise = () => writeFile(join(root, 'models/staging/stg_things.sql'), "select json ->> '$.id' as id, -cast(json ->> '$.t' as bigint) as at_ms from raw_src_things where cast(json ->> '$.t' as bigint) < getvariable('window_to_ms') order by id");

    it('an error test holds back the model and its descendants, removes their old builds, and builds the rest', async () => {
      expect((await buildAll(opts())).failed).toEqual([]);
      expect(built('core', 'core_below')).toBe(true);
      await surprise();
      const report = await buildAll(opts());
      expect(report.built.map((b) => b.name)).toEqual(['core_other', 'stg_things']);
      expect(report.failed.map((f) => f.name)).toEqual(['core_checked']);
      const t = report.failed[0]!.tests.find((x) => !x.passed)!;
      expect([t.test, t.detail, t.sample]).toEqual(['time is never negative', '1 offending rows', [{ id: 'a', at_ms: -Date.parse('2026-11-16T05:00:00Z') }]]);
      expect(report.held_back).toEqual([{ name: 'core_below', layer: 'core', upstream: ['core_checked'] }]);
      expect([built('core', 'core_checked'), built('core', 'core_below'), built('core', 'core_other')]).toEqual([false, false, true]);
      expect(JSON.parse(await readFile(join(root, 'data/build/report.json'), 'utf8'))).toEqual(report);
    });

    it('a build of some models still holds back descendants outside the selection, and keeps the rest of the last report', async () => {
      await buildAll(opts());
      await surprise();
      const report = await buildAll(opts(), ['core_checked']);
      expect(report.built.map((b) => b.name)).toEqual(['stg_things']);
      expect(report.held_back.map((h) => h.name)).toEqual(['core_below']);
      expect(built('core', 'core_below')).toBe(false);
      const merged = readBuildReport(join(root, 'data'))!;
      expect([merged.built.map((b) => b.name), merged.failed.map((f) => f.name), merged.held_back.map((h) => h.name)]).toEqual([['core_other', 'stg_things'], ['core_checked'], ['core_below']]);
    });

    it('a warn test is recorded with its sample and holds nothing back', async () => {
      await writeFile(join(root, 'models/core/core_checked.yml'), checked('warn'));
      await surprise();
      const report = await buildAll(opts());
      expect(report.failed).toEqual([]);
      expect(report.built.map((b) => b.name)).toEqual(['core_below', 'core_checked', 'core_other', 'stg_things']);
      const t = report.built.find((b) => b.name === 'core_checked')!.tests.find((x) => !x.passed)!;
      expect([t.test, t.severity, t.detail, t.sample?.length]).toEqual(['time is never negative', 'warn', '1 offending rows', 1]);
    });

    it('refuses a severity other than error or warn', async () => {
      await writeFile(join(root, 'models/core/core_checked.yml'), checked('fatal'));
      expect(() => discoverModels(join(root, 'models'))).toThrow(/severity "fatal".*\n.*error \(the default\) or warn/);
    });
  });

  describe('by day', () => {
    // Four days of raw things, one a day at 05:00; a model reads its day's raw and the days around it.
    const four = { from: ms(Date.parse('2026-11-16T00:00:00Z')), to: ms(Date.parse('2026-11-20T00:00:00Z')) };
    const day = (d: string) => join(root, `data/raw/src/things/date=${d}`);
    const put = async (d: string, ids: string[]) => {
      await mkdir(day(d), { recursive: true });
      await writeFile(join(day(d), 'records.ndjson.gz'), gzipSync(ids.map((id) => JSON.stringify({ id, t: Date.parse(`${d}T05:00:00Z`) })).join('\n') + '\n'));
    };
    beforeEach(async () => {
      await rm(join(root, 'data/raw/src/things'), { recursive: true, force: true });
      for (const [i, d] of ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'].entries()) await put(d, [`t${i}`]);
      // Only the window's rows: each day's build keeps its own day.
      await writeFile(
        join(root, 'models/staging/stg_things.sql'),
        "select json ->> '$.id' as id, cast(json ->> '$.t' as bigint) as at_ms from raw_src_things where cast(json ->> '$.t' as bigint) >= getvariable('window_from_ms') and cast(json ->> '$.t' as bigint) < getvariable('window_to_ms') order by id",
      );
    });
    const dayOpts = () => ({ ...opts(), window: four });

    it('builds each day into its own file, and skips a day whose inputs did not change', async () => {
      const first = await buildAll(dayOpts());
      expect(first.days.map((d) => [d.day, d.built, d.skipped])).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19'].map((d) => [d, ['stg_things'], []]));
      expect(first.built.map((b) => [b.name, b.rows])).toEqual([['stg_things', 4]]);
      const again = await buildAll(dayOpts());
      expect(again.days.map((d) => [d.built.length, d.skipped])).toEqual(Array(4).fill([0, ['stg_things']]));
      expect(again.built).toEqual(first.built.map((b) => ({ ...b, duration_ms: again.built[0]!.duration_ms })));
      expect((await buildAll(dayOpts(), undefined, { rebuild: true })).days.every((d) => d.built.length === 1)).toBe(true);
    });

    it('rebuilds only the days that read a changed raw partition: its own and the day before (which reads the day after)', async () => {
      await buildAll(dayOpts());
      await put('2026-11-19', ['t3', 'late']);
      const report = await buildAll(dayOpts());
      expect(report.days.map((d) => [d.day, d.built.length > 0])).toEqual([['2026-11-16', false], ['2026-11-17', false], ['2026-11-18', true], ['2026-11-19', true]]);
      expect(report.built[0]!.rows).toBe(5);
    });

    it('reads raw HISTORY_DAYS + 1 days back only for models below one that reads history_from_ms', async () => {
      await buildAll(dayOpts());
      await put('2026-11-16', ['t0', 'late']);
      expect((await buildAll(dayOpts())).days.map((d) => d.built.length)).toEqual([1, 1, 0, 0]);
      await mkdir(join(root, 'models/core'), { recursive: true });
      await writeFile(join(root, 'models/core/core_history.sql'), "select id, at_ms from stg_things where at_ms >= getvariable('history_from_ms') order by id");
      await writeFile(join(root, 'models/core/core_history.yml'), contract('core_history', '  - model: stg_things'));
      await put('2026-11-16', ['t0']);
      // stg_things now feeds a lookback model: every day of the window reads 2026-11-16.
      expect((await buildAll(dayOpts())).days.map((d) => d.built)).toEqual(Array(4).fill(['stg_things', 'core_history']));
    });

    it('rebuilds a day whose model SQL changed', async () => {
      await buildAll(dayOpts());
      const sql = await readFile(join(root, 'models/staging/stg_things.sql'), 'utf8');
      await writeFile(join(root, 'models/staging/stg_things.sql'), sql.replace('order by id', 'order by id, at_ms'));
      expect((await buildAll(dayOpts())).days.every((d) => d.built.length === 1)).toBe(true);
    });
  });
});
