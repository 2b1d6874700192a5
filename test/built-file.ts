// A model's day files, for tests that read a build directly.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function builtFile(dataDir: string, layer: string, model: string): string {
  const dir = join(dataDir, 'build', layer, model);
  const files = readdirSync(dir).filter((f) => f.endsWith('.parquet'));
  if (files.length !== 1) throw new Error(`${dir} holds ${files.length} day files; this helper reads one-day builds`);
  return join(dir, files[0]!);
}

/**
 * The last day's file of a model built over several days. A staging model of a block-partitioned
 * source (chain logs) reads every block partition on every day, so each day's file holds them all.
 */
export function lastDayFile(dataDir: string, layer: string, model: string): string {
  const dir = join(dataDir, 'build', layer, model);
  const last = readdirSync(dir).filter((f) => f.endsWith('.parquet')).sort().at(-1);
  if (!last) throw new Error(`${dir} holds no day files`);
  return join(dir, last);
}
