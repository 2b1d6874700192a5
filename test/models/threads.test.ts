// Models build on every core, so nothing in their bytes may depend on how threads split the rows:
// a float sum's last bits depend on the order its rows are added in, so every sum or average over a
// DOUBLE column of a model's inputs must be exact (a DECIMAL cast) or in value order
// (`sum(x order by x)`); and rows tied in the final ORDER BY come out in any order, so it must name
// the whole primary key.
import { describe, expect, it } from 'vitest';
import { discoverModels, type Model } from '../../lib/contracts.ts';
import { MODELS_DIR } from '../../lib/paths.ts';

const AGGREGATES = /\b(sum|avg|mean|stddev|stddev_pop|stddev_samp|var_pop|var_samp|variance|corr|covar_pop|covar_samp|fsum|kahan_sum)\s*\(/gi;

/** The text between an opening parenthesis at `open` and its match. */
function argument(sql: string, open: number): string {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return sql.slice(open + 1, i);
  }
  return sql.slice(open + 1);
}

/** Aggregates in a model over a DOUBLE column of its inputs, neither exact nor ordered. */
export function unorderedFloatAggregates(m: Model, all: Map<string, Model>): string[] {
  const doubles = new Set<string>();
  for (const i of m.contract.inputs) {
    if (!('model' in i)) continue;
    for (const c of all.get(i.model)!.contract.columns) if (/^(DOUBLE|FLOAT|REAL)$/i.test(c.type)) doubles.add(c.name.toLowerCase());
  }
  const sql = m.sql.replace(/--[^\n]*/g, '');
  const out: string[] = [];
  for (const hit of sql.matchAll(AGGREGATES)) {
    const arg = argument(sql, hit.index! + hit[0].length - 1);
    if (/\border\s+by\b/i.test(arg) || /::\s*decimal|as\s+decimal|::\s*(big|huge)?int\b/i.test(arg)) continue;
    const names = [...arg.replace(/'[^']*'/g, "''").matchAll(/[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?/gi)].map((x) => x[0].replace(/^.*\./, '').toLowerCase());
    if (names.some((n) => doubles.has(n))) out.push(`${m.contract.name}: ${hit[1]}(${arg.replace(/\s+/g, ' ').trim()})`);
  }
  return out;
}

/** Primary-key columns the model's final ORDER BY does not name. */
export function keyOutsideOrder(m: Model): string[] {
  const sql = m.sql.replace(/--[^\n]*/g, '');
  const at = sql.toLowerCase().lastIndexOf('order by');
  const named = at < 0 ? [] : sql.slice(at + 'order by'.length).replace(/;\s*$/, '').split(',').map((c) => c.trim().replace(/\s+nulls\s+(first|last)$/i, '').replace(/\s+(asc|desc)$/i, '').replace(/^"|"$/g, ''));
  return m.contract.primary_key.filter((k) => !named.includes(k));
}

describe('final row order', () => {
  it('names the whole primary key in every model', () => {
    const models = discoverModels(MODELS_DIR);
    expect(models.flatMap((m) => keyOutsideOrder(m).map((k) => `${m.contract.name}: ${k}`))).toEqual([]);
  });

  it('finds a key column left out of the order', () => {
    const m = discoverModels(MODELS_DIR).find((x) => x.contract.name === 'core_leaderboard_scores')!;
    expect(keyOutsideOrder({ ...m, sql: m.sql.replace(', region, window_from_ms', ', region') })).toEqual(['window_from_ms']);
  });
});

describe('float aggregates', () => {
  it('every sum or average over a DOUBLE input column is exact or in value order', () => {
    const models = discoverModels(MODELS_DIR);
    const all = new Map(models.map((m) => [m.contract.name, m]));
    const found = models.filter((m) => m.contract.layer !== 'staging').flatMap((m) => unorderedFloatAggregates(m, all));
    expect(found).toEqual([]);
  });

  it('finds an unordered sum over a DOUBLE input column', () => {
    const models = discoverModels(MODELS_DIR);
    const all = new Map(models.map((m) => [m.contract.name, m]));
    const probe = all.get('probe_results_daily')!;
    const plain = { ...probe, sql: probe.sql.replace('sum(success_rate order by success_rate)', 'sum(success_rate)') };
    expect(unorderedFloatAggregates(plain, all)).toEqual(['probe_results_daily: sum(success_rate)']);
  });
});
