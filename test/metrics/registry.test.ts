// The registry is well formed and matches the published contracts one to one.
import { describe, expect, it } from 'vitest';
import { discoverModels } from '../../lib/contracts.ts';
import { allMetrics, loadRegistry, metricPage, registryProblems } from '../../lib/metrics.ts';
import { METRICS_DIR, MODELS_DIR } from '../../lib/paths.ts';

describe('metric registry', () => {
  const families = loadRegistry(METRICS_DIR);
  const metrics = allMetrics(families);

  it('has no metric without a published column, and no metric column without an entry', () => {
    expect(registryProblems(families, discoverModels(MODELS_DIR))).toEqual([]);
  });

  it('holds at least 40 stable metrics, each with a unit, a formula and a docs page', () => {
    const stable = metrics.filter((m) => m.status === 'stable');
    expect(stable.length).toBeGreaterThanOrEqual(40);
    for (const m of stable) {
      expect(m.unit, m.id).toBeTruthy();
      expect(m.formula.trim().length, m.id).toBeGreaterThan(0);
      const page = metricPage(m);
      expect(page).toContain(`# ${m.title}`);
      expect(page).toContain(m.formula);
    }
  });

  it('flags a published metric column that has no entry', () => {
    const models = discoverModels(MODELS_DIR);
    const pub = models.find((m) => m.contract.layer === 'published')!;
    const rogue = { ...pub, contract: { ...pub.contract, columns: [...pub.contract.columns, { name: 'rogue_rate', type: 'DOUBLE', description: 'x', kind: 'metric' as const }] } };
    expect(registryProblems(families, [...models.filter((m) => m !== pub), rogue])).toContain(`${pub.contract.name}.rogue_rate is a metric column with no registry entry`);
  });
});
