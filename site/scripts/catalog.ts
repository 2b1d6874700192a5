// What the catalog, metric and data-quality pages read: every released dataset's manifest with its
// quality.json (checked against the manifest's attachment digest), the dataset's changelog from
// the repository, and the metric registry. Manifests only; the Parquet loaders verify the files.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { FolderStore } from '../../lib/objects.ts';
import { repoRoot } from './paths.ts';
import { readLatestRelease, releaseTime, siteStore, type LoaderOutput, type ReleaseManifest } from './release.ts';

export interface CatalogEntry {
  id: string;
  title: string;
  version: string;
  release_id: string;
  manifest_key: string;
  created_at: string | null;
  window: unknown;
  grain: string | null;
  license: string | null;
  row_count: number;
  files: ReleaseManifest['files'];
  schema: ReleaseManifest['schema'];
  sources: unknown[];
  /** Per raw source behind the dataset: present, or "source absent" with the variables to set (manifest source_coverage). */
  source_coverage: { source: string; status: string; variables?: string[] }[];
  /** Failed error checks (none in a normal release) and failed warn checks: values flagged, not fatal. */
  checks: { passed: number; failed: string[]; warnings: string[] };
  /** Set when the latest publish held this dataset back: the release shown is an older one. */
  held_back: { reason: string; failed_tests: unknown[]; sources_absent: unknown[] } | null;
  /** quality.json without its checks (they are summarised above); null when the release has none. */
  quality: Record<string, unknown> | null;
  /** datasets/<id>/CHANGELOG.md in the repository that built the site; null when absent. */
  changelog: string | null;
}

interface Attachment {
  path: string;
  bytes: number;
  sha256: string;
}

async function readAttachment(store: FolderStore, manifestKey: string, manifest: ReleaseManifest, name: string): Promise<unknown> {
  const attachments = Array.isArray(manifest.attachments) ? (manifest.attachments as Attachment[]) : [];
  const entry = attachments.find((a) => a.path === name);
  if (!entry) return null;
  const key = posix.join(posix.dirname(manifestKey), name);
  const body = await store.get(key);
  if (sha256(body) !== entry.sha256) {
    throw new UserError(`${key} does not match the sha256 in ${manifestKey}`, 'the attachment changed after release; republish the dataset');
  }
  return JSON.parse(body.toString('utf8'));
}

function summariseChecks(checks: unknown): CatalogEntry['checks'] {
  const list = Array.isArray(checks) ? (checks as { passed?: boolean; test?: string; model?: string; severity?: string; detail?: string }[]) : [];
  const failed = list.filter((c) => c.passed !== true);
  const name = (c: (typeof list)[number]) => `${c.model ? `${c.model}: ` : ''}${c.test}${c.detail ? ` (${c.detail})` : ''}`;
  return { passed: list.length - failed.length, failed: failed.filter((c) => c.severity !== 'warn').map(name), warnings: failed.filter((c) => c.severity === 'warn').map(name) };
}

const heldBack = (h: (NonNullable<CatalogEntry['held_back']> & { dataset: string }) | undefined): CatalogEntry['held_back'] =>
  h ? { reason: h.reason, failed_tests: h.failed_tests ?? [], sources_absent: h.sources_absent ?? [] } : null;

async function changelog(id: string): Promise<string | null> {
  const path = join(repoRoot, 'datasets', id, 'CHANGELOG.md');
  return existsSync(path) ? readFile(path, 'utf8') : null;
}

export async function catalogEntries(storeDir = siteStore()): Promise<CatalogEntry[]> {
  const store = new FolderStore(storeDir);
  if (!(await store.exists('catalog.json'))) throw new UserError(`${storeDir} has no catalog.json`, 'publish the datasets first, or point LPDATA_STORE at the release folder');
  const catalog = JSON.parse((await store.get('catalog.json')).toString('utf8')) as { datasets?: { id: string }[]; held_back?: (NonNullable<CatalogEntry['held_back']> & { dataset: string })[] };
  const ids = (catalog.datasets ?? []).map((d) => d.id).sort();
  const out: CatalogEntry[] = [];
  for (const id of ids) {
    const release = await readLatestRelease(storeDir, id);
    const m = release.manifest;
    const quality = (await readAttachment(store, release.manifestKey, m, 'quality.json')) as Record<string, unknown> | null;
    const { checks, ...rest } = quality ?? {};
    out.push({
      id,
      title: release.title ?? (typeof m.title === 'string' ? m.title : id),
      version: m.version,
      release_id: m.release_id,
      manifest_key: release.manifestKey,
      created_at: typeof m.created_at === 'string' ? m.created_at : null,
      window: m.window ?? null,
      grain: typeof m.grain === 'string' ? m.grain : null,
      license: typeof m.license === 'string' ? m.license : null,
      row_count: m.row_count,
      files: m.files,
      schema: m.schema,
      sources: Array.isArray(m.sources) ? m.sources : [],
      source_coverage: Array.isArray(m.source_coverage) ? (m.source_coverage as CatalogEntry['source_coverage']) : [],
      checks: summariseChecks(checks ?? m.checks),
      held_back: heldBack(catalog.held_back?.find((h) => h.dataset === id)),
      quality: quality ? rest : null,
      changelog: await changelog(id),
    });
  }
  return out;
}

/** Newest release time across the catalog, so the output is stamped like the Parquet loaders'. */
function newest(entries: CatalogEntry[]): Date {
  const times = entries.map((e) => releaseTime({ created_at: e.created_at } as unknown as ReleaseManifest).getTime());
  return new Date(Math.max(0, ...times));
}

/** Every released dataset, and the datasets the latest publish held back (released before or not). */
export async function loadCatalog(storeDir = siteStore()): Promise<LoaderOutput> {
  const entries = await catalogEntries(storeDir);
  const catalog = JSON.parse((await new FolderStore(storeDir).get('catalog.json')).toString('utf8')) as { held_back?: unknown[] };
  return { body: stableJson({ datasets: entries, held_back: catalog.held_back ?? [] }) + '\n', modified: newest(entries) };
}

/** The metric registry as released (metrics.json at the store's top). */
export async function loadMetrics(storeDir = siteStore()): Promise<LoaderOutput> {
  const store = new FolderStore(storeDir);
  if (!(await store.exists('metrics.json'))) throw new UserError(`${storeDir} has no metrics.json`, 'publish the datasets with the current publisher; it writes the metric registry beside catalog.json');
  const registry = JSON.parse((await store.get('metrics.json')).toString('utf8')) as { metrics?: unknown[] };
  if (!Array.isArray(registry.metrics)) throw new UserError(`${storeDir}/metrics.json has no "metrics" list`, 'republish the datasets');
  const entries = await catalogEntries(storeDir);
  return { body: stableJson(registry) + '\n', modified: newest(entries) };
}
