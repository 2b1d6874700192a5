// The layer rule, enforced: staging reads raw only, core reads staging or core, published reads core
// only; and a model's SQL names no input it did not declare and opens no file by itself.
import { rawViewName, type Layer, type Model } from './contracts.ts';

const MAY_READ: Record<Layer, (Layer | 'raw' | 'registry')[]> = {
  staging: ['raw'],
  core: ['staging', 'core', 'registry'],
  published: ['core'],
};

export const REGISTRY_VIEWS = { thresholds: 'registry_thresholds' } as const;

export interface LayerProblem {
  model: string;
  problem: string;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

export function checkLayers(models: Model[]): LayerProblem[] {
  const problems: LayerProblem[] = [];
  const layerOf = new Map(models.map((m) => [m.contract.name, m.contract.layer]));
  const rawNames = new Set<string>();
  for (const m of models) for (const i of m.contract.inputs) if ('raw' in i) rawNames.add(rawViewName(i.raw));
  for (const m of models) {
    const { name, layer, inputs } = m.contract;
    const declared = new Set<string>();
    for (const i of inputs) {
      const from: Layer | 'raw' | 'registry' | undefined = 'raw' in i ? 'raw' : 'registry' in i ? 'registry' : layerOf.get(i.model);
      const ref = 'raw' in i ? `raw ${i.raw}` : 'registry' in i ? `registry ${i.registry}` : i.model;
      if (!from) problems.push({ model: name, problem: `reads ${ref}, which is not a model` });
      else if (!MAY_READ[layer].includes(from)) problems.push({ model: name, problem: `is ${layer} and reads ${ref} (${from}); ${layer} may read ${MAY_READ[layer].join(' or ')} only` });
      declared.add('raw' in i ? rawViewName(i.raw) : 'registry' in i ? REGISTRY_VIEWS[i.registry] : i.model);
    }
    const sql = stripComments(m.sql).toLowerCase();
    if (/\bread_[a-z_]+\s*\(/.test(sql) || /\b(parquet_scan|glob)\s*\(/.test(sql)) {
      problems.push({ model: name, problem: 'opens files itself (read_*/parquet_scan/glob); declare an input instead' });
    }
    // String literals are scanned one by one, left to right, so a division between two literals
    // is not mistaken for a path; JSON paths ('$.a.b') are not file paths.
    const literals = sql.match(/'(?:[^']|'')*'/g) ?? [];
    if (literals.some((s) => !s.startsWith("'$") && /\/|\.parquet|\.json|\.csv|s3:/.test(s))) {
      problems.push({ model: name, problem: 'contains a string that looks like a path or URL; models read declared inputs only' });
    }
    for (const other of [...layerOf.keys(), ...rawNames]) {
      if (other === name || declared.has(other)) continue;
      if (new RegExp(`\\b${other}\\b`).test(sql)) problems.push({ model: name, problem: `names ${other} without declaring it as an input` });
    }
  }
  return problems;
}
