// Every known-answer file runs through the real models; every registry metric has a case.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMetrics, loadRegistry } from '../../lib/metrics.ts';
import { METRICS_DIR } from '../../lib/paths.ts';
import { readKnownAnswers, runKnownAnswers } from './harness.ts';

const dir = join(import.meta.dirname, 'known-answers');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

describe('known answers', () => {
  for (const f of files) {
    it(`${f}: every case matches its hand-computed values`, async () => {
      const results = await runKnownAnswers(readKnownAnswers(join(dir, f)));
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.failures.length > 0).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
    }, 180_000);
  }

  it('covers every stable registry metric in a dataset that publishes it', () => {
    const covered = new Set<string>();
    for (const f of files) for (const c of readKnownAnswers(join(dir, f)).cases) for (const k of Object.keys(c.expect)) covered.add(`${c.dataset}.${k}`);
    const missing = allMetrics(loadRegistry(METRICS_DIR))
      .filter((m) => m.status === 'stable')
      .filter((m) => !m.datasets.some((d) => covered.has(`${d}.${m.id}`)))
      .map((m) => m.id);
    expect(missing).toEqual([]);
  });
});
