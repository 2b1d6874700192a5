// The one-way arrows of the design, checked on the source: what each folder may import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverModels } from '../lib/contracts.ts';
import { checkLayers } from '../lib/model-check.ts';
import { MODELS_DIR, REPO_ROOT } from '../lib/paths.ts';

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e.startsWith('.') || e === 'dist') continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(e)) out.push(p);
    }
  };
  walk(join(REPO_ROOT, dir));
  return out;
}

/** Repository-relative targets of a file's relative imports. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => relative(REPO_ROOT, resolve(dirname(file), s)));
}

const rules: { folder: string; may: RegExp; except?: RegExp; why: string }[] = [
  { folder: 'lib', may: /^lib\//, why: 'lib/ holds no domain logic and imports only lib/' },
  { folder: 'datasets', may: /^(lib|datasets)\//, why: 'the publisher reads builds through lib/ only' },
  { folder: 'site', may: /^(lib|site)\//, why: 'the site reads released datasets only' },
  { folder: 'jobs', may: /^(lib|jobs|datasets|site\/scripts)\//, except: /^jobs\/cli\//, why: 'production jobs never import the embedded network' },
  { folder: 'network', may: /^(lib\/|network\/|jobs\/chain\/(abis|decode|rpc)\.ts$|jobs\/loadtest\/(plan|runner|summary)\.ts$)/, why: 'the simulator shares only the chain ABIs, decoder and RPC client, and runs the production load-test runner' },
];

describe('architecture', () => {
  for (const rule of rules) {
    it(`${rule.folder}/: ${rule.why}`, () => {
      const bad: string[] = [];
      for (const f of sources(rule.folder)) {
        const rel = relative(REPO_ROOT, f);
        if (rule.except?.test(rel)) continue;
        for (const target of imports(f)) if (!rule.may.test(target)) bad.push(`${rel} imports ${target}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('models pass the layer check', () => {
    expect(checkLayers(discoverModels(MODELS_DIR))).toEqual([]);
  });
});
