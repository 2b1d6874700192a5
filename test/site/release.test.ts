import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../lib/hash.ts';
import { ORCHESTRATOR_WORKFLOW_HOURLY } from '../../site/scripts/datasets.ts';
import { loadReleaseMetadata, loadReleaseParquet, siteStore } from '../../site/scripts/release.ts';
import { DATASET, sampleRows, writeRelease, type WrittenRelease } from './fixtures.ts';

let tmp: string;
let store: string;
let release: WrittenRelease;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-site-release-'));
  store = join(tmp, 'store');
  release = await writeRelease(store, sampleRows());
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh copy of the sample store, for tests that damage it. */
async function freshStore(name: string, parts = 1): Promise<{ dir: string; written: WrittenRelease }> {
  const dir = join(tmp, name);
  return { dir, written: await writeRelease(dir, sampleRows(), { parts }) };
}

const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('release loaders', () => {
  it('serve the released Parquet byte for byte', async () => {
    const { body, modified } = await loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, store);
    expect(modified.toISOString()).toBe('2026-11-17T00:05:00.000Z');
    expect(Buffer.from(body).equals(await readFile(join(release.releaseDir, 'part-0.parquet')))).toBe(true);
  });

  it('describe the release: id, version, rows, files and the freshness fields it carries', async () => {
    const meta = JSON.parse(String((await loadReleaseMetadata(ORCHESTRATOR_WORKFLOW_HOURLY, store)).body));
    expect(meta).toMatchObject({
      dataset_id: DATASET,
      title: 'Orchestrator startup success by workflow and hour',
      release_id: release.releaseId,
      version: '1.0.0',
      row_count: sampleRows().length,
      created_at: '2026-11-17T00:05:00Z',
      source_watermarks: { gateway_events: '2026-11-17T00:00:00Z' },
      manifest_key: `${DATASET}/v1/${release.releaseId}/manifest.json`,
    });
    expect(meta.files).toEqual(release.files);
  });

  it('join a multi-part release into one file with every row in order', async () => {
    const { dir } = await freshStore('parts', 3);
    const { body } = await loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, dir);
    const rows = await parquetReadObjects({ file: toArrayBuffer(Buffer.from(body)), compressors });
    const expected = sampleRows();
    expect(rows).toHaveLength(expected.length);
    // Parts hold rows n % 3 == p, so the joined order is all of part 0, then 1, then 2.
    const order = [0, 1, 2].flatMap((p) => expected.filter((_, i) => i % 3 === p));
    expect(rows.map((r) => [(r.hour as Date).getTime(), r.orchestrator_address, r.pipeline, Number(r.requested_sessions)])).toEqual(
      order.map((r) => [r.hour, r.orchestrator_address, r.pipeline, r.requested_sessions]),
    );
  });

  it('refuse a file whose sha256 no longer matches the manifest', async () => {
    const { dir, written } = await freshStore('tampered');
    const part = join(written.releaseDir, 'part-0.parquet');
    const body = await readFile(part);
    const at = body.length - 20;
    body[at] = body[at]! ^ 0xff;
    await writeFile(part, body);
    await expect(loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, dir)).rejects.toThrow(/part-0\.parquet does not match its manifest[\s\S]*fix:/);
  });

  it('refuse a manifest whose row counts disagree with the file', async () => {
    const { dir, written } = await freshStore('rows');
    const path = join(written.releaseDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.files[0].rows += 1;
    manifest.row_count += 1;
    await writeFile(path, JSON.stringify(manifest));
    await expect(loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, dir)).rejects.toThrow(new RegExp(`holds ${sampleRows().length} rows, its manifest says ${sampleRows().length + 1}`));
  });

  it('refuse manifest paths that leave the release folder', async () => {
    const { dir } = await freshStore('escape');
    await writeFile(join(dir, DATASET, 'latest.json'), JSON.stringify({ dataset_id: DATASET, version: '1.0.0', release_id: 'x', manifest: '../../etc/manifest.json' }));
    await expect(loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, dir)).rejects.toThrow(/points outside orchestrator_workflow_hourly\//);
  });

  it('refuse a release that lacks a column the page reads', async () => {
    await expect(loadReleaseParquet({ id: DATASET, columns: [...ORCHESTRATOR_WORKFLOW_HOURLY.columns, 'region'] }, store)).rejects.toThrow(/lacks column\(s\) region/);
  });

  it('name the missing store or dataset and the fix', async () => {
    await expect(loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY, join(tmp, 'nowhere'))).rejects.toThrow(/release store .*nowhere does not exist\n  fix: publish the datasets first/);
    await expect(loadReleaseParquet({ id: 'other_dataset', columns: [] }, store)).rejects.toThrow(/dataset other_dataset has no release in .* \(missing other_dataset\/latest\.json\)/);
  });

  it('read LPDATA_STORE, default to data/store in the repository, and refuse a bucket', () => {
    expect(siteStore({ LPDATA_STORE: store })).toBe(store);
    expect(siteStore({})).toBe(join(import.meta.dirname, '..', '..', 'data', 'store'));
    expect(() => siteStore({ LPDATA_STORE: 's3://bucket/releases' })).toThrow(/is a bucket; the site builds from a local release folder/);
  });
});

describe('the loader script', () => {
  const loader = join(import.meta.dirname, '..', '..', 'site', 'src', 'data', 'orchestrator_workflow_hourly.parquet.ts');
  const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');

  it('exits non-zero with the reason on stderr and nothing on stdout when the store is missing', () => {
    const run = spawnSync(tsx, [loader], { env: { ...process.env, LPDATA_STORE: join(tmp, 'missing-store') }, encoding: 'buffer' });
    expect(run.status).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr.toString()).toMatch(/release store .*missing-store does not exist/);
  });

  it('writes the Parquet bytes to stdout, stamped with the release time as Framework stores them', async () => {
    const out = join(tmp, 'loader-out.parquet');
    const fd = openSync(out, 'w');
    const run = spawnSync(tsx, [loader], { env: { ...process.env, LPDATA_STORE: store }, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(run.status, String(run.stderr)).toBe(0);
    expect(sha256(await readFile(out))).toBe(release.files[0]!.sha256);
    expect(statSync(out).mtime.toISOString()).toBe('2026-11-17T00:05:00.000Z');
  });
});
