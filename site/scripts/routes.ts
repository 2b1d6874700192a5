// The pages Framework cannot find by listing site/src: one per orchestrator address that appears
// in any dataset the orchestrator page reads. An address with rows in some datasets and none in
// others gets a page whose empty sections say "no data" (the point of giving it a page).
import { readFile } from 'node:fs/promises';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ORCHESTRATOR_DATASETS } from './datasets.ts';
import { readLatestRelease, verifyRelease } from './release.ts';

const ADDRESS = /^0x[0-9a-f]{40}$/;

export async function orchestratorAddresses(store: string): Promise<string[]> {
  const found = new Set<string>();
  for (const dataset of ORCHESTRATOR_DATASETS) {
    for (const path of await verifyRelease(await readLatestRelease(store, dataset.id), dataset)) {
      const body = await readFile(path);
      const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      for (const row of await parquetReadObjects({ file, columns: ['orchestrator_address'], compressors })) {
        const address = row.orchestrator_address;
        // Unattributed rows (null) have no page; anything else must be a lowercase address to be a URL.
        if (typeof address === 'string' && ADDRESS.test(address)) found.add(address);
      }
    }
  }
  return [...found].sort();
}

/** Framework page paths for the addresses, as the config's dynamicPaths expects them. */
export const orchestratorPaths = (addresses: readonly string[]): string[] => addresses.map((a) => `/orchestrators/${a}`);
