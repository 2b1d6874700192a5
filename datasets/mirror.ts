// Copies releases from one store to another (folder or S3, either way), release objects first and
// the manifest last, then the dataset's latest.json and the catalog, and verifies every copy.
import type { S3Settings } from '../lib/config.ts';
import { stableJson } from '../lib/hash.ts';
import type { Logger } from '../lib/log.ts';
import { openStore, type ObjectStore } from '../lib/objects.ts';
import type { CatalogEntry, ReleaseManifest } from './publish.ts';
import { verifyRelease, type VerifyReport } from './verify.ts';

async function json<T>(store: ObjectStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}

export async function mirror(fromUri: string, toUri: string, log: Logger, opts: { s3?: S3Settings; datasets?: string[] } = {}): Promise<VerifyReport[]> {
  const from = await openStore(fromUri, opts.s3);
  const to = await openStore(toUri, opts.s3);
  const catalog = await json<{ datasets: CatalogEntry[] }>(from, 'catalog.json');
  const target = (await to.exists('catalog.json')) ? await json<{ datasets: CatalogEntry[] }>(to, 'catalog.json') : { datasets: [] };
  const reports: VerifyReport[] = [];
  for (const entry of catalog.datasets.filter((d) => !opts.datasets?.length || opts.datasets.includes(d.id))) {
    for (const r of entry.releases) {
      const dir = r.manifest.replace(/manifest\.json$/, '');
      const manifest = await json<ReleaseManifest>(from, r.manifest);
      if (!(await to.exists(r.manifest))) {
        for (const f of [...manifest.files, ...(manifest.attachments ?? [])]) await to.put(dir + f.path, await from.get(dir + f.path));
        await to.put(r.manifest, await from.get(r.manifest));
        log.info('release copied', { dataset: entry.id, release_id: r.release_id, files: manifest.files.length });
      }
      const location = toUri.startsWith('s3://') ? `${toUri.replace(/\/$/, '')}/${r.manifest}` : `${toUri}/${r.manifest}`;
      reports.push(await verifyRelease(location, opts.s3));
    }
    await to.put(`${entry.id}/latest.json`, await from.get(`${entry.id}/latest.json`));
    const i = target.datasets.findIndex((d) => d.id === entry.id);
    if (i >= 0) target.datasets[i] = entry;
    else target.datasets.push(entry);
  }
  target.datasets.sort((a, b) => a.id.localeCompare(b.id));
  await to.put('catalog.json', stableJson(target) + '\n');
  return reports;
}
