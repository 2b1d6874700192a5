// The model runner: a model sees only its declared inputs, run parameters come from variables, and
// contract tests stop a build.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverModels } from '../../lib/contracts.ts';
import { logger } from '../../lib/log.ts';
import { buildAll, buildModel } from '../../lib/model-runner.ts';
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
  it('builds from declared raw inputs, filtering by the window variable', async () => {
    const built = await buildAll({ modelsDir: join(root, 'models'), dataDir: join(root, 'data'), window, hashKey: 'k', log });
    expect(built.map((b) => [b.name, b.rows])).toEqual([['stg_things', 1]]);
    expect(built[0]!.tests.every((t) => t.passed)).toBe(true);
  });

  it('refuses a model that opens a file it did not declare, even past the layer check', async () => {
    await writeFile(join(root, 'secret.csv'), 'id,at_ms\nx,1\n');
    await writeFile(join(root, 'models/staging/stg_things.sql'), `select id, at_ms from read_csv('${join(root, 'secret.csv')}')`);
    const [m] = discoverModels(join(root, 'models'));
    await expect(buildModel(m!, new Map([[m!.contract.name, m!]]), { modelsDir: join(root, 'models'), dataDir: join(root, 'data'), window, hashKey: 'k', log })).rejects.toThrow(
      /Permission Error|disabled by configuration/,
    );
  });

  it('stops the build when the built columns differ from the contract', async () => {
    await writeFile(join(root, 'models/staging/stg_things.sql'), "select json ->> '$.id' as id, 1.5 as at_ms from raw_src_things");
    await expect(buildAll({ modelsDir: join(root, 'models'), dataDir: join(root, 'data'), window, hashKey: 'k', log })).rejects.toThrow(/columns match contract/);
  });

  it('stops the build when the key is not unique', async () => {
    await writeFile(join(root, 'models/staging/stg_things.sql'), "select 'same' as id, cast(json ->> '$.t' as bigint) as at_ms from raw_src_things");
    await expect(buildAll({ modelsDir: join(root, 'models'), dataDir: join(root, 'data'), window, hashKey: 'k', log })).rejects.toThrow(/unique \(id\)/);
  });
});
