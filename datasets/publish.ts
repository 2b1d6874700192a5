// Releases built datasets to an object store. A release is immutable: data objects first, then
// manifest.json; latest.json and catalog.json are the only objects ever replaced. The release id
// carries a content hash, so republishing unchanged data makes no new release.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { ancestors, discoverModels, rawSources, type Model } from '../lib/contracts.ts';
import { openSession, queryRows, sqlIdent, sqlString } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sha256, stableJson } from '../lib/hash.ts';
import type { Logger } from '../lib/log.ts';
import { blocking, windowPaths, type BuildReport, type BuiltModel, type TestResult } from '../lib/model-runner.ts';
import { openStore, type ObjectStore } from '../lib/objects.ts';
import type { S3Settings } from '../lib/config.ts';
import { iso, isoDay, ms, type Window } from '../lib/time.ts';
import { DATASETS_DIR, METRICS_DIR, MODELS_DIR } from '../lib/paths.ts';
import { allMetrics, loadRegistry } from '../lib/metrics.ts';
import { datapackage, orchestratorsIn, qualityReport, summary, viewsSql } from './access.ts';

export interface Descriptor {
  /** Hive-partition the release by this column (large datasets). */
  partition_by?: string;
  /** A released dataset this one is recomputed from by `lpdata verify`, with the SQL (over `source`). */
  recompute?: { from: string; sql: string };
  id: string;
  title: string;
  description: string;
  grain: string;
  model: string;
  version: string;
  license: string;
  cadence: string;
  sources: string[];
}

export interface SchemaColumn {
  name: string;
  type: string;
}

export interface ReleaseManifest {
  dataset_id: string;
  title: string;
  version: string;
  release_id: string;
  created_at: string;
  window: { from: string; to: string };
  files: { path: string; bytes: number; sha256: string; rows: number }[];
  row_count: number;
  schema: (SchemaColumn & { description: string; unit: string | null })[];
  license: string;
  grain: string;
  /** flags: what a raw snapshot of the window asks a person to look at (its manifest's `extra.flags`). */
  sources: { source: string; entity: string; partitions: number; rows: number; watermark: string | null; flags?: string[] }[];
  /** Every contract test of the model; a failed one here has severity warn (an error holds the release back). */
  checks: Check[];
  /** Each raw source the dataset is computed from (through the model DAG), and whether it was configured. */
  source_coverage: SourceCoverage[];
  commit: string;
  /** Objects beside the data: datapackage.json, quality.json, summary.json (verified like the data). */
  attachments: { path: string; bytes: number; sha256: string }[];
  /** Semantics version of every registry metric the release carries. */
  metric_semantics: Record<string, number>;
  /** The release this one is recomputed from, and how. */
  recompute?: { from: string; release_id: string; manifest: string; sql: string };
}

export interface Check {
  /** The model that ran the test: the dataset's own, or one it reads (those only when failed, with severity warn). */
  model: string;
  test: string;
  passed: boolean;
  severity: 'error' | 'warn';
  /** What failed (counts, never rows). */
  detail?: string;
}

/** A source whose endpoint is not configured in a real-network run, and the variables that would configure it. */
export interface AbsentSource {
  source: string;
  variables: string[];
}

export type SourceCoverage = { source: string; status: 'present' } | { source: string; status: 'source absent'; variables: string[] };

/** A dataset not released by this publish, and why; its previous latest release stays as it was. */
export interface HeldBackDataset {
  dataset: string;
  model: string;
  window: { from: string; to: string };
  reason: 'contract test failed' | 'source absent';
  /** The failing `error` tests behind it: its own model's, or those of a model it reads. */
  failed_tests: { model: string; test: string; detail: string }[];
  sources_absent: AbsentSource[];
  /** The release latest.json still names, or null when the dataset has never been released. */
  latest_release_id: string | null;
}

export interface CatalogEntry {
  id: string;
  title: string;
  latest: { version: string; release_id: string; manifest: string };
  releases: { version: string; release_id: string; manifest: string; window: { from: string; to: string } }[];
}


export function loadDescriptors(root = DATASETS_DIR): Descriptor[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'dataset.yml')))
    .map((d) => {
      const desc = parse(readFileSync(join(root, d.name, 'dataset.yml'), 'utf8')) as Descriptor;
      if (desc.id !== d.name) throw new UserError(`datasets/${d.name}/dataset.yml has id ${desc.id}`, `set id: ${d.name}`);
      if (!/^\d+\.\d+\.\d+$/.test(desc.version)) throw new UserError(`datasets/${d.name}: version "${desc.version}" is not semver`, 'use MAJOR.MINOR.PATCH');
      return desc;
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function committedSchema(id: string, root = DATASETS_DIR): { version: string; columns: SchemaColumn[] } | undefined {
  const p = join(root, id, 'schema.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { version: string; columns: SchemaColumn[] }) : undefined;
}

/** The change a schema difference demands, or null when the schemas are equal. */
export function requiredBump(before: SchemaColumn[], after: SchemaColumn[]): 'major' | 'minor' | null {
  const a = new Map(after.map((c) => [c.name, c.type]));
  const b = new Map(before.map((c) => [c.name, c.type]));
  for (const [name, type] of b) if (a.get(name) !== type) return 'major';
  for (const name of a.keys()) if (!b.has(name)) return 'minor';
  return null;
}

/** Fails when the built schema differs from the committed one without the matching version bump. */
export function checkSchema(desc: Descriptor, built: SchemaColumn[], root = DATASETS_DIR): void {
  const committed = committedSchema(desc.id, root);
  if (!committed) throw new UserError(`dataset ${desc.id} has no committed schema`, `run \`lpdata schema --write\` and commit datasets/${desc.id}/schema.json`);
  const bump = requiredBump(committed.columns, built);
  if (!bump) return;
  const [cm, cn] = committed.version.split('.').map(Number) as [number, number];
  const [dm, dn] = desc.version.split('.').map(Number) as [number, number];
  const ok = bump === 'major' ? dm > cm : dm > cm || (dm === cm && dn > cn);
  const diff = `committed ${committed.version}: ${committed.columns.map((c) => `${c.name} ${c.type}`).join(', ')}\n  built: ${built.map((c) => `${c.name} ${c.type}`).join(', ')}`;
  if (!ok) {
    throw new UserError(
      `dataset ${desc.id}: schema changed without a ${bump} version bump (dataset.yml says ${desc.version})\n  ${diff}`,
      `bump the ${bump} version in datasets/${desc.id}/dataset.yml, add a CHANGELOG entry, then \`lpdata schema --write\``,
    );
  }
  throw new UserError(`dataset ${desc.id}: schema changed (version bumped to ${desc.version}) but schema.json is stale\n  ${diff}`, `run \`lpdata schema --write\` and commit datasets/${desc.id}/schema.json`);
}

export async function parquetSchema(path: string): Promise<SchemaColumn[]> {
  const s = await openSession({ allowedPaths: [path] });
  try {
    const rows = await queryRows<{ column_name: string; column_type: string }>(s.conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  } finally {
    s.close();
  }
}

function producingCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

type SourceFigures = ReleaseManifest['sources'][number];

/** One raw source entity's partitions, rows, watermark and the flags its manifests raise for the window. */
async function entityFigures(dataDir: string, ref: string, window: Window): Promise<SourceFigures> {
  const [source, entity] = ref.split('/') as [string, string];
  const dir = join(dataDir, 'raw', source, entity);
  let partitions = 0;
  let rows = 0;
  const flags: string[] = [];
  if (existsSync(dir)) {
    for (const p of readdirSync(dir).filter((x) => !x.includes('.tmp-')).sort()) {
      const mf = join(dir, p, '_manifest.json');
      if (!existsSync(mf)) continue;
      partitions++;
      const m = JSON.parse(await readFile(mf, 'utf8')) as { rows: number; window?: { from: string } | null; extra?: { flags?: string[] } };
      rows += m.rows;
      const at = m.window ? Date.parse(m.window.from) : NaN;
      if (m.extra?.flags && at >= window.from && at < window.to) flags.push(...m.extra.flags.map((f) => `${p}: ${f}`));
    }
  }
  const wmFiles = existsSync(join(dataDir, 'state', 'watermarks')) ? readdirSync(join(dataDir, 'state', 'watermarks')).filter((f) => f.startsWith(`${source}.`)) : [];
  const wm = wmFiles.length ? (JSON.parse(await readFile(join(dataDir, 'state', 'watermarks', wmFiles.sort()[0]!), 'utf8')) as { value: string | number }).value : null;
  return { source, entity, partitions, rows, watermark: wm === null ? null : String(wm), ...(flags.length ? { flags } : {}) };
}

/** Source figures for a dataset; many datasets read the same entities, so each is read once a publish. */
async function sourceFigures(dataDir: string, desc: Descriptor, window: Window, seen: Map<string, Promise<SourceFigures>>): Promise<ReleaseManifest['sources']> {
  return Promise.all(
    desc.sources.map((ref) => {
      if (!seen.has(ref)) seen.set(ref, entityFigures(dataDir, ref, window));
      return seen.get(ref)!;
    }),
  );
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  return (await store.exists(key)) ? (JSON.parse((await store.get(key)).toString('utf8')) as T) : undefined;
}

export interface PublishOptions {
  dataDir: string;
  storeUri: string;
  /** An already-open store (tests pass one that fails part-way). */
  store?: ObjectStore;
  s3?: S3Settings;
  window: Window;
  /** The build being released (data/build/report.json): which models were built, failed or held back. */
  build: BuildReport;
  /** Sources with no endpoint in this run; a dataset reading nothing else is held back. */
  absentSources?: AbsentSource[];
  /** Sources read from the repository rather than the network (no endpoint to be absent). */
  localSources?: string[];
  log: Logger;
  modelsDir?: string;
  datasetsDir?: string;
}

export interface PublishResult {
  published: Published[];
  held_back: HeldBackDataset[];
}

export interface Published {
  dataset_id: string;
  release_id: string;
  version: string;
  /** Manifest key relative to the store root. */
  manifestKey: string;
  /** Manifest location (store URI + key). */
  manifest: string;
  created: boolean;
}

/**
 * A release's checks: every test of its model, then the failed (warn) tests of the models it reads,
 * so a value flagged upstream (e.g. in staging) is visible on the dataset it reaches.
 */
function checksOf(report: BuildReport, built: BuiltModel, models: Model[]): Check[] {
  const check = (t: TestResult): Check => ({ model: t.model, test: t.test, passed: t.passed, severity: t.severity, ...(t.passed ? {} : { detail: t.detail }) });
  const above = ancestors(models, built.name);
  const upstream = report.built.filter((b) => above.has(b.name)).flatMap((b) => b.tests.filter((t) => !t.passed));
  return [...built.tests, ...upstream].map(check);
}

/** What the failing tests of a model (or of the failed models above it) were, from the build report. */
function failedTestsBehind(report: BuildReport, model: string): HeldBackDataset['failed_tests'] | undefined {
  const failed = report.failed.find((f) => f.name === model);
  const upstream = report.held_back.find((h) => h.name === model)?.upstream;
  const causes = failed ? [failed] : upstream ? report.failed.filter((f) => upstream.includes(f.name)) : [];
  if (!failed && !upstream) return undefined;
  return causes.flatMap((f) => (f.error ? [{ model: f.name, test: 'query runs', detail: f.error }] : blocking(f.tests).map((t) => ({ model: f.name, test: t.test, detail: t.detail ?? '' }))));
}

interface Planned {
  desc: Descriptor;
  model: Model;
  /** The window's rows: the union of the model's day files, in key order. */
  path: string;
  built: BuiltModel;
  schema: SchemaColumn[];
  coverage: SourceCoverage[];
}

/**
 * Decides, before anything is written, what this publish releases and what it holds back. A dataset
 * is held back when its model failed an `error` test or reads one that did, when it is recomputed
 * from a held-back dataset, or when every network source it reads is absent (an empty release would
 * read as "no activity" and would replace the last real one as latest). Anything else that stops a
 * dataset (not built for this window, schema without its version bump) stops the whole publish.
 */
async function plan(opts: PublishOptions, models: Map<string, Model>, store: ObjectStore, unions: string): Promise<{ ready: Planned[]; heldBack: HeldBackDataset[] }> {
  const window = { from: iso(opts.window.from), to: iso(opts.window.to) };
  const report = opts.build;
  if (report.window.from !== window.from || report.window.to !== window.to) {
    throw new UserError(`the last build covers ${report.window.from} to ${report.window.to}, not the release window ${window.from} to ${window.to}`, 'build and release the same window: `lpdata build --from D --to D`, then `lpdata release --from D --to D`');
  }
  const absent = new Map((opts.absentSources ?? []).map((a) => [a.source, a]));
  const local = new Set(opts.localSources ?? []);
  const problems: string[] = [];
  const ready: Planned[] = [];
  const heldBack: HeldBackDataset[] = [];
  for (const desc of inDependencyOrder(loadDescriptors(opts.datasetsDir))) {
    const model = models.get(desc.model);
    if (!model || model.contract.layer !== 'published') {
      problems.push(`dataset ${desc.id} names model ${desc.model}, which is not a published model (point \`model:\` at a model under models/published/)`);
      continue;
    }
    const sources = rawSources([...models.values()], desc.model);
    const coverage: SourceCoverage[] = sources.map((source) => {
      const a = absent.get(source);
      return a ? { source, status: 'source absent', variables: a.variables } : { source, status: 'present' };
    });
    const network = sources.filter((x) => !local.has(x));
    const sourcesAbsent = network.flatMap((x) => (absent.has(x) ? [absent.get(x)!] : []));
    const failedTests = failedTestsBehind(report, desc.model);
    const from = desc.recompute ? heldBack.find((h) => h.dataset === desc.recompute!.from) : undefined;
    const hold = (reason: HeldBackDataset['reason'], failed_tests: HeldBackDataset['failed_tests'], sources_absent: AbsentSource[]) => async () =>
      heldBack.push({ dataset: desc.id, model: desc.model, window, reason, failed_tests, sources_absent, latest_release_id: (await previousRelease(store, desc.id))?.release_id ?? null });
    if (failedTests) await hold('contract test failed', failedTests, sourcesAbsent)();
    else if (from) await hold(from.reason, from.failed_tests, from.sources_absent)();
    else if (network.length > 0 && sourcesAbsent.length === network.length) await hold('source absent', [], sourcesAbsent)();
    else {
      const built = report.built.find((b) => b.name === desc.model);
      const files = windowPaths(opts.dataDir, model, opts.window);
      const unbuilt = files.filter((f) => !existsSync(f));
      if (!built || unbuilt.length) {
        problems.push(`dataset ${desc.id}: model ${desc.model} has not been built for ${window.from} to ${window.to}${unbuilt.length ? ` (missing ${unbuilt.map((f) => basename(f, '.parquet')).join(', ')})` : ''} (run \`lpdata build\` for this window)`);
        continue;
      }
      const path = join(unions, `${desc.id}.parquet`);
      const duplicated = await unionOfDays(files, model.contract.primary_key, path);
      if (duplicated > 0) {
        problems.push(`dataset ${desc.id}: ${duplicated} key(s) of ${desc.model} appear on more than one day of the window (a model must give each row to one day, e.g. by its start time)`);
        continue;
      }
      const schema = await parquetSchema(path);
      try {
        checkSchema(desc, schema, opts.datasetsDir);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
        continue;
      }
      ready.push({ desc, model, path, built, schema, coverage });
    }
  }
  if (problems.length > 0) throw new UserError(`nothing was published; ${problems.length} dataset(s) cannot be released:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'fix the problems above and release again');
  return { ready, heldBack };
}

/**
 * Releases every dataset the build allows, and records in catalog.json (and in each new release's
 * quality.json) which datasets were held back and why. Nothing is written when a dataset cannot be
 * released for a reason other than a hold-back.
 */
export async function publishAll(opts: PublishOptions): Promise<PublishResult> {
  const store = opts.store ?? (await openStore(opts.storeUri, opts.s3));
  const models = new Map<string, Model>(discoverModels(opts.modelsDir ?? MODELS_DIR).map((m) => [m.contract.name, m]));
  const unions = await mkdtemp(join(tmpdir(), 'lp-release-'));
  try {
    return await publishPlanned(opts, models, store, await plan(opts, models, store, unions));
  } finally {
    await rm(unions, { recursive: true, force: true });
  }
}

async function publishPlanned(opts: PublishOptions, models: Map<string, Model>, store: ObjectStore, { ready, heldBack }: { ready: Planned[]; heldBack: HeldBackDataset[] }): Promise<PublishResult> {
  const out: Published[] = [];
  const latestParts: { id: string; manifestKey: string; files: string[] }[] = [];
  const releaseOf = new Map<string, Published>();
  const registry = allMetrics(loadRegistry(METRICS_DIR));
  const figures = new Map<string, Promise<SourceFigures>>();
  for (const h of heldBack) {
    opts.log.warn('dataset held back', { dataset: h.dataset, reason: h.reason, failed_tests: h.failed_tests, sources_absent: h.sources_absent, latest_release_id: h.latest_release_id });
    // Its last release stays readable through views.sql, as latest.json still names it.
    const latest = await readJson<{ manifest: string }>(store, `${h.dataset}/latest.json`);
    const m = latest && (await readJson<ReleaseManifest>(store, `${h.dataset}/${latest.manifest}`));
    if (latest && m) latestParts.push({ id: h.dataset, manifestKey: `${h.dataset}/${latest.manifest}`, files: m.files.map((f) => f.path) });
  }
  for (const { desc, model, path, built: builtModel, schema, coverage } of ready) {
    const parts = await releaseParts(path, desc.partition_by);
    // The release id names the content: every part's hash, in path order.
    const digest = sha256(parts.map((p) => `${p.path} ${p.sha256}`).join('\n'));
    const releaseId = `${isoDay(ms(opts.window.to - 1)).replaceAll('-', '')}-${digest.slice(0, 12)}`;
    const major = desc.version.split('.')[0];
    const prefix = `${desc.id}/v${major}/${releaseId}`;
    const manifestKey = `${prefix}/manifest.json`;
    const rows = parts.reduce((n, p) => n + p.rows, 0);
    let created = false;
    const existing = await readJson<ReleaseManifest>(store, manifestKey);
    if (existing && existing.files.map((f) => f.sha256).join() !== parts.map((p) => p.sha256).join()) {
      // Cannot happen for honest content-addressed ids; a store edited by hand would be overwritten.
      throw new UserError(`release ${prefix} already exists with other content; refusing to publish into it`, 'releases are immutable: investigate the store, never overwrite a release');
    }
    if (!existing) {
      for (const p of parts) await store.put(`${prefix}/${p.path}`, p.bytes);
      const cols = new Map(model.contract.columns.map((c) => [c.name, c]));
      const source = desc.recompute ? releaseOf.get(desc.recompute.from) : undefined;
      if (desc.recompute && !source) throw new UserError(`dataset ${desc.id} is recomputed from ${desc.recompute.from}, which was not published`, `add datasets/${desc.recompute.from}/`);
      const manifest: Omit<ReleaseManifest, 'attachments'> = {
        dataset_id: desc.id,
        title: desc.title,
        version: desc.version,
        release_id: releaseId,
        created_at: new Date().toISOString(),
        window: { from: iso(opts.window.from), to: iso(opts.window.to) },
        files: parts.map(({ path: p, bytes, sha256: h, rows: n }) => ({ path: p, bytes: bytes.length, sha256: h, rows: n })),
        row_count: rows,
        schema: schema.map((c) => ({ ...c, description: cols.get(c.name)?.description ?? '', unit: cols.get(c.name)?.unit ?? null })),
        license: desc.license,
        grain: desc.grain,
        sources: await sourceFigures(opts.dataDir, desc, opts.window, figures),
        checks: checksOf(opts.build, builtModel, [...models.values()]),
        source_coverage: coverage,
        commit: producingCommit(),
        metric_semantics: Object.fromEntries(registry.filter((m) => m.datasets.includes(desc.id)).map((m) => [m.id, m.semantics_version])),
        ...(desc.recompute && source ? { recompute: { from: desc.recompute.from, release_id: source.release_id, manifest: source.manifestKey, sql: desc.recompute.sql.trim() } } : {}),
      };
      const previous = await previousRelease(store, desc.id);
      const uriMap = models.get('core_orchestrator_uri_map');
      const mapFile = uriMap && windowPaths(opts.dataDir, uriMap, opts.window).at(-1);
      const known = mapFile && existsSync(mapFile) ? await countRows(mapFile) : null;
      const metricCols = model.contract.columns.filter((c) => c.kind === 'metric').map((c) => c.name);
      const attachments: ReleaseManifest['attachments'] = [];
      for (const [name, body] of [
        ['datapackage.json', datapackage(desc, manifest, model.contract)],
        ['quality.json', qualityReport(manifest, previous, { inRelease: await orchestratorsIn(path, schema), known }, heldBack)],
        ['summary.json', { dataset_id: desc.id, release_id: releaseId, window: manifest.window, ...(await summary(path, schema, metricCols)) }],
      ] as const) {
        const text = stableJson(body) + '\n';
        await store.put(`${prefix}/${name}`, text);
        attachments.push({ path: name, bytes: Buffer.byteLength(text), sha256: sha256(text) });
      }
      // The manifest goes last: a release without one is invisible and is completed by the next run.
      await store.put(manifestKey, stableJson({ ...manifest, attachments }) + '\n');
      created = true;
    }
    await store.put(`${desc.id}/latest.json`, stableJson({ dataset_id: desc.id, version: desc.version, release_id: releaseId, manifest: `v${major}/${releaseId}/manifest.json` }) + '\n');
    await updateCatalog(store, desc, releaseId, manifestKey, opts.window);
    latestParts.push({ id: desc.id, manifestKey, files: parts.map((p) => p.path) });
    opts.log.info(created ? 'release published' : 'release unchanged', { dataset: desc.id, release_id: releaseId, rows, files: parts.length, store: store.uri });
    const published: Published = { dataset_id: desc.id, release_id: releaseId, version: desc.version, manifestKey, manifest: `${store.uri}/${manifestKey}`, created };
    releaseOf.set(desc.id, published);
    out.push(published);
  }
  await recordHeldBack(store, heldBack);
  latestParts.sort((a, b) => a.id.localeCompare(b.id));
  await store.put('views.sql', viewsSql(latestParts));
  // The metric registry travels with the data, so readers (and the site) need only the store.
  await store.put('metrics.json', stableJson({ metrics: allMetrics(loadRegistry(METRICS_DIR)) }) + '\n');
  return { published: out, held_back: heldBack };
}

/** catalog.json's `held_back`: the datasets the latest publish did not release, and why (replaced by every publish). */
async function recordHeldBack(store: ObjectStore, heldBack: HeldBackDataset[]): Promise<void> {
  const catalog = (await readJson<{ datasets: CatalogEntry[]; held_back?: HeldBackDataset[] }>(store, 'catalog.json')) ?? { datasets: [] };
  await store.put('catalog.json', stableJson({ ...catalog, held_back: heldBack }) + '\n');
}

/** Datasets recomputed from another are released after it, so their manifest can name its release. */
function inDependencyOrder(descs: Descriptor[]): Descriptor[] {
  const first = descs.filter((d) => !d.recompute);
  const rest = descs.filter((d) => d.recompute);
  return [...first, ...rest];
}

interface Part {
  path: string;
  bytes: Buffer;
  sha256: string;
  rows: number;
}

/**
 * The objects of a release: the build as one part, or Hive partitions (`<column>=<value>/part-0.parquet`,
 * the column kept inside the files too, so every part reads alone with the full schema).
 */
async function releaseParts(path: string, partitionBy?: string): Promise<Part[]> {
  if (!partitionBy) {
    const bytes = await readFile(path);
    return [{ path: 'part-0.parquet', bytes, sha256: sha256(bytes), rows: await countRows(path) }];
  }
  const dir = await mkdtemp(join(tmpdir(), 'lp-parts-'));
  try {
    // One thread: the split into files, and so every byte, must not depend on scheduling.
    const s = await openSession({ threads: 1 });
    try {
      await s.conn.run(
        `COPY (SELECT * FROM read_parquet(${sqlString(path)})) TO ${sqlString(dir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${sqlIdent(partitionBy)}), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{i}')`,
      );
    } finally {
      s.close();
    }
    const parts: Part[] = [];
    for (const sub of readdirSync(dir).sort()) {
      for (const f of readdirSync(join(dir, sub)).sort()) {
        const file = join(dir, sub, f);
        const bytes = await readFile(file);
        parts.push({ path: `${sub}/${f}`, bytes, sha256: sha256(bytes), rows: await countRows(file) });
      }
    }
    return parts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the union of a model's day files to `out`, ordered by its primary key so the bytes depend
 * only on the rows, whichever days (or shards) built them; returns how many keys more than one day
 * holds (none when every row belongs to one day).
 */
async function unionOfDays(files: string[], key: string[], out: string): Promise<number> {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const cols = key.map(sqlIdent).join(', ');
  // One thread: the file's row groups, and so its bytes, must not depend on scheduling.
  const s = await openSession({ allowedPaths: [...files, out], threads: 1 });
  try {
    const dup = await queryRows<{ n: bigint }>(s.conn, `SELECT count(*) AS n FROM (SELECT ${cols} FROM read_parquet(${list}) GROUP BY ALL HAVING count(*) > 1)`);
    await s.conn.run(`COPY (SELECT * FROM read_parquet(${list}) ORDER BY ${cols}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
    return Number(dup[0]!.n);
  } finally {
    s.close();
  }
}

/** The dataset's latest release before this publish, for row-count drift. */
async function previousRelease(store: ObjectStore, id: string): Promise<{ release_id: string; row_count: number } | undefined> {
  const latest = await readJson<{ release_id: string; manifest: string }>(store, `${id}/latest.json`);
  if (!latest) return undefined;
  const m = await readJson<ReleaseManifest>(store, `${id}/${latest.manifest}`);
  return m ? { release_id: m.release_id, row_count: m.row_count } : undefined;
}

async function countRows(path: string): Promise<number> {
  const s = await openSession({ allowedPaths: [path] });
  try {
    return Number((await queryRows<{ n: bigint }>(s.conn, `SELECT count(*) AS n FROM read_parquet(${sqlString(path)})`))[0]!.n);
  } finally {
    s.close();
  }
}

async function updateCatalog(store: ObjectStore, desc: Descriptor, releaseId: string, manifestKey: string, window: Window): Promise<void> {
  const catalog = (await readJson<{ datasets: CatalogEntry[] }>(store, 'catalog.json')) ?? { datasets: [] };
  let entry = catalog.datasets.find((d) => d.id === desc.id);
  if (!entry) catalog.datasets.push((entry = { id: desc.id, title: desc.title, latest: { version: desc.version, release_id: releaseId, manifest: manifestKey }, releases: [] }));
  entry.title = desc.title;
  entry.latest = { version: desc.version, release_id: releaseId, manifest: manifestKey };
  if (!entry.releases.some((r) => r.release_id === releaseId)) {
    entry.releases.push({ version: desc.version, release_id: releaseId, manifest: manifestKey, window: { from: iso(window.from), to: iso(window.to) } });
  }
  entry.releases.sort((a, b) => a.release_id.localeCompare(b.release_id));
  catalog.datasets.sort((a, b) => a.id.localeCompare(b.id));
  await store.put('catalog.json', stableJson(catalog) + '\n');
}
