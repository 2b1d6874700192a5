// Reads a dataset's latest release from the local release store and verifies every file against
// its manifest; the site's data loaders are thin wrappers around this.
import { existsSync, fstatSync, futimesSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { loadConfig } from '../../lib/config.ts';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { FolderStore, isS3Uri } from '../../lib/objects.ts';
import { repoRoot } from './paths.ts';

export interface ReleaseFile {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface ReleaseManifest {
  dataset_id: string;
  version: string;
  release_id: string;
  files: ReleaseFile[];
  row_count: number;
  schema: { name: string; type: string }[];
  [field: string]: unknown;
}

/** `<store>/<dataset_id>/latest.json`; `manifest` is relative to the folder holding it. */
export interface LatestPointer {
  dataset_id: string;
  version: string;
  release_id: string;
  manifest: string;
}

export interface Release {
  store: string;
  datasetId: string;
  /** Store key of the manifest, e.g. `orchestrator_workflow_hourly/v1/<release_id>/manifest.json`. */
  manifestKey: string;
  pointer: LatestPointer;
  manifest: ReleaseManifest;
  /** The dataset's title in catalog.json, when the catalog lists it. */
  title?: string;
}

/** What the site expects of a dataset: the columns its pages read. */
export interface SiteDataset {
  id: string;
  columns: readonly string[];
}

/** The release store the site reads: LPDATA_STORE, else `data/store` under the repository root. */
export function siteStore(env: NodeJS.ProcessEnv = process.env): string {
  const store = env.LPDATA_STORE?.trim() || (env.LPDATA_DATA_DIR ? loadConfig(env).store : join(repoRoot, 'data', 'store'));
  if (isS3Uri(store)) {
    throw new UserError(`LPDATA_STORE="${store}" is a bucket; the site builds from a local release folder`, 'copy the releases to a folder (catalog.json at its top) and point LPDATA_STORE at it');
  }
  return resolve(store);
}

function parseJson(text: Buffer, what: string): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new UserError(`${what} is not valid JSON: ${(error as Error).message}`, 'republish the release; releases are written by the publisher, never by hand');
  }
}

function requireFields(value: unknown, fields: Record<string, 'string' | 'number' | 'array'>, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${what} is not a JSON object`);
  const obj = value as Record<string, unknown>;
  for (const [name, type] of Object.entries(fields)) {
    const v = obj[name];
    const ok = type === 'array' ? Array.isArray(v) : typeof v === type;
    if (!ok) throw new UserError(`${what} has no ${type} field "${name}"`, 'republish the release with the current publisher');
  }
  return obj;
}

/** Resolves a key relative to a folder key, refusing paths that leave the folder. */
function keyWithin(folder: string, relativePath: string, what: string): string {
  const key = posix.normalize(posix.join(folder, relativePath));
  if (posix.isAbsolute(relativePath) || !key.startsWith(`${folder}/`)) {
    throw new UserError(`${what} "${relativePath}" points outside ${folder}/`, 'manifest paths must be relative and stay inside the release');
  }
  return key;
}

export async function readLatestRelease(store: string, datasetId: string): Promise<Release> {
  const objects = new FolderStore(store);
  if (!existsSync(store)) {
    throw new UserError(`release store ${store} does not exist`, 'publish the datasets first, or set LPDATA_STORE to the folder that holds catalog.json');
  }
  const pointerKey = `${datasetId}/latest.json`;
  if (!(await objects.exists(pointerKey))) {
    throw new UserError(`dataset ${datasetId} has no release in ${store} (missing ${pointerKey})`, `publish ${datasetId}, or check LPDATA_STORE`);
  }
  const pointer = requireFields(parseJson(await objects.get(pointerKey), pointerKey), { dataset_id: 'string', version: 'string', release_id: 'string', manifest: 'string' }, pointerKey) as unknown as LatestPointer;
  const manifestKey = keyWithin(datasetId, pointer.manifest, `${pointerKey} manifest`);
  if (!(await objects.exists(manifestKey))) {
    throw new UserError(`${pointerKey} names ${manifestKey}, which is not in the store`, 'the release is incomplete; republish it');
  }
  const manifest = requireFields(parseJson(await objects.get(manifestKey), manifestKey), { dataset_id: 'string', version: 'string', release_id: 'string', files: 'array', row_count: 'number', schema: 'array' }, manifestKey) as unknown as ReleaseManifest;
  manifest.files.forEach((f, i) => requireFields(f, { path: 'string', bytes: 'number', sha256: 'string', rows: 'number' }, `${manifestKey} files[${i}]`));
  if (manifest.files.length === 0) throw new UserError(`${manifestKey} lists no files`, 'republish the release');
  for (const field of ['dataset_id', 'release_id', 'version'] as const) {
    const expected = field === 'dataset_id' ? datasetId : pointer[field];
    if (manifest[field] !== expected) {
      throw new UserError(`${manifestKey} says ${field} "${manifest[field]}", but ${pointerKey} says "${expected}"`, 'latest.json and the manifest disagree; republish the release');
    }
  }
  let title: string | undefined;
  if (await objects.exists('catalog.json')) {
    const catalog = parseJson(await objects.get('catalog.json'), 'catalog.json') as { datasets?: { id?: string; title?: string }[] };
    title = catalog.datasets?.find((d) => d.id === datasetId)?.title;
  }
  return { store, datasetId, manifestKey, pointer, manifest, ...(title ? { title } : {}) };
}

function parquetColumns(buffer: Buffer): { rows: bigint; columns: string[] } {
  const ab = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(ab);
  return { rows: BigInt(meta.num_rows), columns: meta.schema.slice(1).map((s) => s.name) };
}

/**
 * Checks every file of the release: present, byte count, sha256, Parquet row count and the
 * columns the site reads. Returns the files' store paths in manifest order.
 */
export async function verifyRelease(release: Release, dataset: SiteDataset): Promise<string[]> {
  const objects = new FolderStore(release.store);
  const releaseDir = posix.dirname(release.manifestKey);
  const paths: string[] = [];
  let rows = 0;
  for (const file of release.manifest.files) {
    const key = keyWithin(releaseDir, file.path, `${release.manifestKey} file`);
    if (!(await objects.exists(key))) throw new UserError(`release ${release.manifest.release_id} is missing ${key}`, 'the release is incomplete; republish it');
    const body = await objects.get(key);
    if (body.length !== file.bytes || sha256(body) !== file.sha256) {
      throw new UserError(
        `${key} does not match its manifest (bytes ${body.length} vs ${file.bytes}, sha256 ${sha256(body).slice(0, 12)}… vs ${file.sha256.slice(0, 12)}…)`,
        'the file was changed or truncated after release; restore it from the published copy or republish',
      );
    }
    const parquet = parquetColumns(body);
    if (parquet.rows !== BigInt(file.rows)) throw new UserError(`${key} holds ${parquet.rows} rows, its manifest says ${file.rows}`, 'republish the release');
    const missing = dataset.columns.filter((c) => !parquet.columns.includes(c));
    if (missing.length > 0) {
      throw new UserError(`${key} lacks column(s) ${missing.join(', ')} that the site reads (dataset ${dataset.id} ${release.manifest.version})`, 'a major version changed the schema: update the site pages and site/scripts/datasets.ts');
    }
    rows += file.rows;
    paths.push(join(objects.root, key));
  }
  if (rows !== release.manifest.row_count) throw new UserError(`${release.manifestKey} row_count ${release.manifest.row_count} differs from its files' ${rows} rows`, 'republish the release');
  return paths;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One Parquet file for the page: the release's only part as is, or its parts joined in order. */
async function singleParquet(paths: string[]): Promise<Buffer> {
  if (paths.length === 1) return readFile(paths[0]!);
  // DuckDB loads only here: most releases have one part and need no native module.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = await mkdtemp(join(tmpdir(), 'lpdata-site-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  try {
    const connection = await instance.connect();
    const out = join(dir, 'merged.parquet');
    await connection.run(`copy (select * from read_parquet([${paths.map(sqlString).join(', ')}])) to ${sqlString(out)} (format parquet, compression zstd)`);
    connection.closeSync();
    return await readFile(out);
  } finally {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a loader writes: the body, and the time to stamp on it. */
export interface LoaderOutput {
  body: Buffer | string;
  /**
   * The release's creation time (manifest created_at or published_at; the epoch when it has
   * neither). Framework publishes the output file's mtime as FileAttachment.lastModified, so a
   * wall-clock mtime would make two builds of one release differ.
   */
  modified: Date;
}

export function releaseTime(manifest: ReleaseManifest): Date {
  for (const field of ['created_at', 'published_at']) {
    const value = manifest[field];
    if (typeof value === 'string' && Number.isFinite(Date.parse(value))) return new Date(value);
  }
  return new Date(0);
}

export async function loadReleaseParquet(dataset: SiteDataset, store = siteStore()): Promise<LoaderOutput> {
  const release = await readLatestRelease(store, dataset.id);
  return { body: await singleParquet(await verifyRelease(release, dataset)), modified: releaseTime(release.manifest) };
}

/** The release's manifest plus its catalog title and store key, for freshness and coverage notes. */
export async function loadReleaseMetadata(dataset: SiteDataset, store = siteStore()): Promise<LoaderOutput> {
  const release = await readLatestRelease(store, dataset.id);
  await verifyRelease(release, dataset);
  const manifestTitle = typeof release.manifest.title === 'string' ? release.manifest.title : undefined;
  const body = stableJson({ ...release.manifest, title: release.title ?? manifestTitle ?? dataset.id, manifest_key: release.manifestKey }) + '\n';
  return { body, modified: releaseTime(release.manifest) };
}

/**
 * Runs a Framework data loader: the body to stdout (stamped with its release time when stdout is
 * a file, as under Framework), a readable reason on stderr and exit code 1 on failure.
 */
export async function runLoader(produce: () => Promise<LoaderOutput>): Promise<void> {
  try {
    const { body, modified } = await produce();
    await new Promise<void>((done, fail) => process.stdout.write(body, (error) => (error ? fail(error) : done())));
    if (fstatSync(1).isFile()) futimesSync(1, modified, modified);
  } catch (error) {
    process.stderr.write(`data loader ${process.argv[1] ?? ''} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
