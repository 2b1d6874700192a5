// Releases: immutable, content-addressed, verifiable; interrupted publishes stay invisible; schema
// changes need a version bump; the same release round-trips through a real S3-protocol server.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirror } from '../../datasets/mirror.ts';
import { checkSchema, loadDescriptors, publishAll, requiredBump } from '../../datasets/publish.ts';
import { verifyRelease } from '../../datasets/verify.ts';
import { logger } from '../../lib/log.ts';
import { FolderStore, type ObjectStore } from '../../lib/objects.ts';
import { ms } from '../../lib/time.ts';
import { startS3, type LocalS3 } from '../objects/s3rver.ts';
import { builtReport, COLUMNS, makeRepo } from './fixture.ts';

const log = logger({ test: 'release' });
const window = { from: ms(Date.parse('2026-11-16T00:00:00Z')), to: ms(Date.parse('2026-11-17T00:00:00Z')) };
const roots: string[] = [];
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'lp-release-'));
  roots.push(d);
  return d;
};
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function publish(root: string, storeUri: string, extra: { store?: ObjectStore; s3?: LocalS3['settings'] } = {}) {
  const repo = await makeRepo(root);
  return (await publishAll({ ...repo, storeUri, window, build: builtReport(repo.dataDir, window), log, ...extra })).published;
}

describe('a release', () => {
  it('is content-addressed: publishing unchanged data again makes no new release', async () => {
    const root = await temp();
    const [first] = await publish(root, join(root, 'store'));
    const [again] = await publish(root, join(root, 'store'));
    expect(first!.created).toBe(true);
    expect(again!.created).toBe(false);
    expect(again!.release_id).toBe(first!.release_id);
    const catalog = JSON.parse(await readFile(join(root, 'store', 'catalog.json'), 'utf8'));
    expect(catalog.datasets[0].releases).toHaveLength(1);
  });

  it('verifies when fresh, and fails naming the object on a changed byte, a missing file or a wrong count', async () => {
    const root = await temp();
    const [p] = await publish(root, join(root, 'store'));
    const dir = join(root, 'store', 'tiny', 'v1', p!.release_id);
    const manifestPath = join(dir, 'manifest.json');
    const fresh = await verifyRelease(manifestPath);
    expect(fresh.ok).toBe(true);

    const part = join(dir, 'part-0.parquet');
    const original = await readFile(part);
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    await writeFile(part, flipped);
    const changed = await verifyRelease(manifestPath);
    expect(changed.ok).toBe(false);
    expect(changed.checks.filter((c) => !c.ok).map((c) => `${c.check} ${c.object}`)).toContain('sha256 part-0.parquet');

    await unlink(part);
    const missing = await verifyRelease(manifestPath);
    expect(missing.checks.filter((c) => !c.ok).map((c) => `${c.check} ${c.object}`)).toContain('present part-0.parquet');

    await writeFile(part, original);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.files[0].rows = 3;
    manifest.row_count = 3;
    await writeFile(manifestPath, JSON.stringify(manifest));
    const wrongCount = await verifyRelease(manifestPath);
    expect(wrongCount.checks.filter((c) => !c.ok).map((c) => `${c.check} ${c.object}`)).toEqual(['rows part-0.parquet', 'row_count manifest.json']);
  });

  it('stays out of the catalog when a publish dies between objects, and the next run completes it', async () => {
    const root = await temp();
    const storeDir = join(root, 'store');
    const real = new FolderStore(storeDir);
    let puts = 0;
    // Dies after the data object is written, before the manifest.
    const dying: ObjectStore = { ...real, uri: real.uri, list: (p) => real.list(p), get: (k) => real.get(k), exists: (k) => real.exists(k), delete: (k) => real.delete(k), put: async (k, b) => {
      if (++puts > 1) throw new Error('killed between objects');
      await real.put(k, b);
    } };
    await expect(publish(root, storeDir, { store: dying })).rejects.toThrow('killed between objects');
    expect(await real.exists('catalog.json')).toBe(false);
    expect((await real.list('')).some((k) => k.endsWith('manifest.json'))).toBe(false);
    const [done] = await publish(root, storeDir);
    expect(done!.created).toBe(true);
    expect((await verifyRelease(join(storeDir, 'tiny', 'v1', done!.release_id, 'manifest.json'))).ok).toBe(true);
    expect(JSON.parse(await readFile(join(storeDir, 'catalog.json'), 'utf8')).datasets[0].latest.release_id).toBe(done!.release_id);
  });
});

describe('schema changes', () => {
  const renamed = COLUMNS.map((c) => (c.name === 'requested_sessions' ? { ...c, name: 'requested' } : c));
  const added = [...COLUMNS, { name: 'extra_count', type: 'BIGINT' }];

  it('classify as major (removed, renamed, retyped) or minor (added)', () => {
    expect(requiredBump(COLUMNS, COLUMNS)).toBeNull();
    expect(requiredBump(COLUMNS, renamed)).toBe('major');
    expect(requiredBump(COLUMNS, COLUMNS.map((c) => (c.name === 'hour' ? { ...c, type: 'VARCHAR' } : c)))).toBe('major');
    expect(requiredBump(COLUMNS, added)).toBe('minor');
  });

  it('fail without the matching version bump, and name the fix', async () => {
    const root = await temp();
    const { datasetsDir } = await makeRepo(root);
    const [desc] = loadDescriptors(datasetsDir);
    expect(() => checkSchema(desc!, COLUMNS, datasetsDir)).not.toThrow();
    expect(() => checkSchema(desc!, added, datasetsDir)).toThrow(/schema changed without a minor version bump/);
    expect(() => checkSchema(desc!, renamed, datasetsDir)).toThrow(/without a major version bump/);
    expect(() => checkSchema({ ...desc!, version: '1.1.0' }, renamed, datasetsDir)).toThrow(/major version bump/);
    expect(() => checkSchema({ ...desc!, version: '1.1.0' }, added, datasetsDir)).toThrow(/schema.json is stale/);
  });

  it('every committed dataset schema matches its descriptor version', () => {
    for (const d of loadDescriptors()) {
      expect(JSON.parse(readFileSyncUtf8(`datasets/${d.id}/schema.json`)).version, d.id).toBe(d.version);
    }
  });
});

describe('on S3', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3('releases');
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('publishes, catalogs, verifies, and mirrors back to a folder that verifies too', async () => {
    const root = await temp();
    const [p] = await publish(root, `s3://${s3.bucket}/lp`, { s3: s3.settings });
    const key = `s3://${s3.bucket}/lp/tiny/v1/${p!.release_id}/manifest.json`;
    expect((await verifyRelease(key, s3.settings)).ok).toBe(true);
    const reports = await mirror(`s3://${s3.bucket}/lp`, join(root, 'mirror'), log, { s3: s3.settings });
    expect(reports.map((r) => [r.release_id, r.ok])).toEqual([[p!.release_id, true]]);
    const catalog = JSON.parse(await readFile(join(root, 'mirror', 'catalog.json'), 'utf8'));
    expect(catalog.datasets[0].latest.release_id).toBe(p!.release_id);
  }, 60_000);
});

function readFileSyncUtf8(rel: string): string {
  return readFileSync(join(import.meta.dirname, '..', '..', rel), 'utf8');
}
