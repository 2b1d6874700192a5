// What a person reads when a build or a release held something back: which datasets, which test
// failed (model, test, detail) with a few offending rows, and the exit status it gives the CLI.
import { HeldBackError } from '../lib/errors.ts';
import { blocking, type BuildReport } from '../lib/model-runner.ts';
import type { HeldBackDataset } from '../datasets/publish.ts';

function why(h: HeldBackDataset): string {
  if (h.reason === 'source absent') return `every source it reads is absent (set ${h.sources_absent.flatMap((a) => a.variables).join(', ')})`;
  return h.failed_tests.map((t) => `${t.model} failed "${t.test}" (${t.detail})`).join('; ');
}

/** The failed models with their failing tests and sample rows, what they held back, and the datasets not released. */
export function holdBackText(build: BuildReport, heldBack: HeldBackDataset[] = []): string {
  const lines: string[] = [];
  for (const f of build.failed) {
    lines.push(`model ${f.name} failed:`);
    if (f.error) lines.push(`  - query did not run: ${f.error}`);
    for (const t of blocking(f.tests)) {
      lines.push(`  - ${t.test}: ${t.detail}`);
      for (const row of t.sample ?? []) lines.push(`      ${JSON.stringify(row)}`);
    }
    const below = build.held_back.filter((h) => h.upstream.includes(f.name)).map((h) => h.name);
    if (below.length) lines.push(`  held back with it: ${below.join(', ')}`);
  }
  if (heldBack.length) {
    lines.push('datasets held back (latest.json still names their previous release):');
    for (const h of heldBack) lines.push(`  - ${h.dataset}: ${why(h)}; latest stays ${h.latest_release_id ?? '(never released)'}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** The error that makes the CLI exit 3 when a failing `error` test held something back; undefined when none did. */
export function heldBackError(build: BuildReport, heldBack: HeldBackDataset[] | undefined, rest: 'built' | 'released'): HeldBackError | undefined {
  if (build.failed.length === 0) return undefined;
  const datasets = (heldBack ?? []).filter((h) => h.reason === 'contract test failed').map((h) => h.dataset);
  const held = heldBack ? `${datasets.length} dataset(s) held back${datasets.length ? `: ${datasets.join(', ')}` : ''}` : `${build.held_back.length} model(s) downstream held back`;
  return new HeldBackError(
    `${build.failed.length} model(s) failed an error contract test (${build.failed.map((f) => f.name).join(', ')}); ${held}; everything else was ${rest}`,
    'the failing tests and sample rows are above (and in data/build/report.json); fix the model or, if the data is right, its contract',
  );
}
