// The layer check refuses a model that reads across layers, names an undeclared input, or opens a file.
import { describe, expect, it } from 'vitest';
import type { Layer, Model, ModelContract } from '../../lib/contracts.ts';
import { checkLayers } from '../../lib/model-check.ts';

function model(name: string, layer: Layer, inputs: ModelContract['inputs'], sql: string): Model {
  return {
    contract: { name, layer, description: 'One row per thing.', inputs, primary_key: ['id'], columns: [{ name: 'id', type: 'VARCHAR', description: 'id' }] },
    sql,
    sqlPath: `${name}.sql`,
    contractPath: `${name}.yml`,
  };
}

const stg = model('stg_a', 'staging', [{ raw: 'src/a' }], 'select json ->> $$id$$ as id from raw_src_a');
const core = model('core_a', 'core', [{ model: 'stg_a' }], 'select id from stg_a');

describe('layer check', () => {
  it('accepts staging <- raw, core <- staging, published <- core', () => {
    expect(checkLayers([stg, core, model('pub_a', 'published', [{ model: 'core_a' }], 'select id from core_a')])).toEqual([]);
  });

  it('refuses a published model that reads staging', () => {
    const bad = model('pub_b', 'published', [{ model: 'stg_a' }], 'select id from stg_a');
    expect(checkLayers([stg, core, bad])).toEqual([{ model: 'pub_b', problem: 'is published and reads stg_a (staging); published may read core only' }]);
  });

  it('refuses a core model that reads raw snapshots', () => {
    const bad = model('core_b', 'core', [{ raw: 'src/a' }], 'select json from raw_src_a');
    expect(checkLayers([stg, bad])[0]?.problem).toMatch(/is core and reads raw src\/a/);
  });

  it('refuses SQL that names a model it did not declare', () => {
    const bad = model('core_c', 'core', [{ model: 'stg_a' }], 'select id from stg_a join core_a using (id)');
    expect(checkLayers([stg, core, bad])).toContainEqual({ model: 'core_c', problem: 'names core_a without declaring it as an input' });
  });

  it('refuses SQL that opens files itself', () => {
    const bad = model('core_d', 'core', [{ model: 'stg_a' }], "select * from read_parquet('data/build/core/core_a.parquet')");
    const problems = checkLayers([stg, bad]).map((p) => p.problem);
    expect(problems).toContain('opens files itself (read_*/parquet_scan/glob); declare an input instead');
    expect(problems).toContain('contains a string that looks like a path or URL; models read declared inputs only');
  });
});

describe('layer check on ordinary SQL', () => {
  it('does not mistake a division between two string literals for a path', () => {
    const ok = model('core_e', 'core', [{ model: 'stg_a' }], "select 'x' as a, 1 / 2 as half, 'y' as b from stg_a where id <> '$.json_path'");
    expect(checkLayers([stg, ok])).toEqual([]);
  });
});
