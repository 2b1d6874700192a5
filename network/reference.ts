// The embedded network's operator region rules: where its gateways run, in the format of
// jobs/reference/regions.yml. Gateway hosts name no region, so, as a real operator would, the
// network states them in a file that LPDATA_REGIONS points at.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { World } from './world.ts';

/** Writes `<dir>/regions.yml` and returns its path. */
export async function writeRegionRules(dir: string, world: World): Promise<string> {
  const rules = world.gateways
    .filter((g) => g.host !== '')
    .map((g) => ({ id: `gateway-${g.index}`, applies_to: 'gateway', match: 'host', pattern: g.host.toLowerCase(), region: g.region, note: 'embedded network gateway inventory' }));
  const path = join(dir, 'regions.yml');
  await mkdir(dir, { recursive: true });
  await writeFile(path, '# Regions of the embedded network\'s gateways (operator rules, applied first).\n' + stringify({ rules }));
  return path;
}
