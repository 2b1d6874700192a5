// The one day file of a model built over a one-day window, for tests that read a build directly.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function builtFile(dataDir: string, layer: string, model: string): string {
  const dir = join(dataDir, 'build', layer, model);
  const files = readdirSync(dir).filter((f) => f.endsWith('.parquet'));
  if (files.length !== 1) throw new Error(`${dir} holds ${files.length} day files; this helper reads one-day builds`);
  return join(dir, files[0]!);
}
