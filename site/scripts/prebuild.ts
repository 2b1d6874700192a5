// Fills Observable Framework's npm cache from installed packages, so `observable build` never
// downloads from its CDN: Framework uses `<root>/.observablehq/cache/_npm/<name>@<version>/_esm.js`
// when it exists and only fetches when it does not.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { log } from '../../lib/log.ts';
import { frameworkDir, npmCacheDir, repoRoot } from './paths.ts';

export interface BundledPackage {
  name: string;
  /** The exact version to add to package.json when the package is missing. */
  suggest: string;
  /** Which page feature needs it, for the error that names a missing package. */
  why: string;
  /** Files copied verbatim beside the bundle (wasm, workers), as Framework would download them. */
  copy?: string[];
  /** Shared packages this one may import at a different version than it declares. */
  anyVersionOf?: string[];
}

/**
 * Packages bundled into the cache. Imports between them stay imports (relative paths), so one
 * copy of each is shipped. To let a page use another npm package, add it here and install it.
 */
export const BUNDLED: readonly BundledPackage[] = [
  { name: '@observablehq/plot', suggest: '0.6.17', why: 'charts (Plot)' },
  { name: 'd3', suggest: '7.9.0', why: 'dependency of @observablehq/plot and the d3 global' },
  { name: 'htl', suggest: '0.3.1', why: 'html`...` and Inputs' },
  { name: 'isoformat', suggest: '0.2.1', why: 'implicit dependency of Inputs' },
  { name: 'hyparquet', suggest: '1.31.5', why: 'decoding released Parquet in the browser' },
  { name: 'hyparquet-compressors', suggest: '1.1.2', why: 'zstd-compressed Parquet pages' },
  { name: 'apache-arrow', suggest: '21.0.0', why: 'Arrow tables (DuckDB-WASM, FileAttachment.arrow)' },
  {
    name: '@duckdb/duckdb-wasm',
    suggest: '1.29.0',
    why: 'SQL in the browser (sql blocks, DuckDBClient)',
    copy: ['dist/duckdb-mvp.wasm', 'dist/duckdb-browser-mvp.worker.js', 'dist/duckdb-eh.wasm', 'dist/duckdb-browser-eh.worker.js'],
    // Framework pairs DuckDB-WASM with the newest apache-arrow (its npm.js), so DuckDB and the
    // standard library share one Arrow instead of DuckDB's declared ^17.
    anyVersionOf: ['apache-arrow'],
  },
];

/**
 * Version given to libraries that Framework's client names but no page here uses. Its empty
 * folder answers Framework's version look-up; a page that imports one fails the build loudly
 * (the guarded fetch is refused) instead of shipping a CDN dependency.
 */
export const NOT_BUNDLED_VERSION = '0.0.0-not-bundled';

interface Located {
  name: string;
  version: string;
  dir: string;
}

export interface PrebuildResult {
  cacheDir: string;
  bundled: { name: string; version: string; bytes: number }[];
  versionOnly: string[];
  /** False when a valid cache was already in place. */
  rebuilt: boolean;
}

/** Where packages are looked up: the repository's node_modules, then NODE_PATH, as node does. */
function packageRoots(): string[] {
  const extra = (process.env.NODE_PATH ?? '').split(delimiter).filter(Boolean);
  return [join(repoRoot, 'node_modules'), ...extra];
}

async function readVersion(dir: string): Promise<string> {
  return (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

async function locate(name: string): Promise<Located | undefined> {
  for (const root of packageRoots()) {
    const dir = join(root, name);
    if (existsSync(join(dir, 'package.json'))) return { name, version: await readVersion(dir), dir };
  }
  return undefined;
}

/** The version of `name` that node resolution would pick for a module in `fromDir`. */
async function versionSeenFrom(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return readVersion(candidate);
    if (dirname(dir) === dir) return (await locate(name))?.version;
  }
}

/** A package file's path inside the `_npm` folder. */
const cacheFile = (p: Located, file = '_esm.js') => `${p.name}@${p.version}/${file}`;

function relativeImport(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), to);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Keeps imports of other bundled packages as relative imports of their cache files. */
function sharePackages(self: BundledPackage, shared: Map<string, Located>, outPath: string): Plugin {
  const others = [...shared.keys()].filter((n) => n !== self.name);
  return {
    name: 'lpdata-shared-packages',
    setup(b) {
      if (others.length === 0) return;
      b.onResolve({ filter: new RegExp(`^(${others.map(escapeRe).join('|')})$`) }, async (args) => {
        const dep = shared.get(args.path)!;
        const seen = await versionSeenFrom(dep.name, args.resolveDir);
        if (seen !== undefined && seen !== dep.version && !self.anyVersionOf?.includes(dep.name)) {
          return {
            errors: [{ text: `${self.name} imports ${dep.name}@${seen}, but the shared bundle is ${dep.name}@${dep.version}; align the installed versions or list ${dep.name} in anyVersionOf with a reason` }],
          };
        }
        return { path: relativeImport(outPath, cacheFile(dep)), external: true };
      });
    },
  };
}

async function bundle(spec: BundledPackage, shared: Map<string, Located>, npmDir: string): Promise<void> {
  const pkg = shared.get(spec.name)!;
  const outPath = cacheFile(pkg);
  const result = await build({
    entryPoints: [spec.name],
    absWorkingDir: repoRoot,
    nodePaths: packageRoots().slice(1),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    outfile: join(npmDir, outPath),
    logLevel: 'silent',
    plugins: [sharePackages(spec, shared, outPath)],
  });
  const [out] = result.outputFiles;
  if (!out) throw new Error(`esbuild produced no output for ${spec.name}`);
  await mkdir(dirname(out.path), { recursive: true });
  await writeFile(out.path, out.contents);
  for (const file of spec.copy ?? []) {
    const target = join(npmDir, cacheFile(pkg, file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(pkg.dir, file), target);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await listFiles(full)));
    else if (ent.name.endsWith('.js')) out.push(full);
  }
  return out;
}

/** Every npm package Framework's browser client names; each needs a resolvable version. */
export async function frameworkNpmNames(): Promise<string[]> {
  const builtinsSource = await readFile(join(frameworkDir, 'dist', 'resolvers.js'), 'utf8');
  const builtins = new Set([...builtinsSource.matchAll(/\["npm:([^"]+)", "\/_observablehq\//g)].map((m) => m[1]));
  const names = new Set<string>();
  for (const file of await listFiles(join(frameworkDir, 'dist', 'client'))) {
    const source = await readFile(file, 'utf8');
    for (const m of source.matchAll(/["'`]npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) {
      if (!builtins.has(m[1]!)) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

async function frameworkDuckDBWasmVersion(): Promise<string> {
  const mod = (await import(pathToFileURL(join(frameworkDir, 'dist', 'duckdb.js')).href)) as { DUCKDB_WASM_VERSION: string };
  return mod.DUCKDB_WASM_VERSION;
}

/** Finds each package in node_modules; the error for missing ones names the versions to add. */
export async function locateBundled(specs: readonly BundledPackage[] = BUNDLED): Promise<Map<string, Located>> {
  const shared = new Map<string, Located>();
  const missing: BundledPackage[] = [];
  for (const spec of specs) {
    const found = await locate(spec.name);
    if (found) shared.set(spec.name, found);
    else missing.push(spec);
  }
  if (missing.length > 0) {
    throw new UserError(
      `the site needs npm packages that are not installed: ${missing.map((m) => `${m.name} (${m.why})`).join(', ')}`,
      `add to package.json dependencies: ${missing.map((m) => `"${m.name}": "${m.suggest}"`).join(', ')}; then run npm install`,
    );
  }
  const duckdb = shared.get('@duckdb/duckdb-wasm');
  const pinned = await frameworkDuckDBWasmVersion();
  if (duckdb && duckdb.version !== pinned) {
    throw new UserError(
      `@duckdb/duckdb-wasm ${duckdb.version} is installed, but Observable Framework pins ${pinned} and would download that one`,
      `set "@duckdb/duckdb-wasm": "${pinned}" in package.json and run npm install`,
    );
  }
  return shared;
}

// One prebuild at a time per checkout: parallel builds (test workers, the pipeline) share the cache.
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = `${npmCacheDir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(holder) && !processAlive(holder)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > 120_000) {
        throw new UserError(`timed out waiting for ${lock}`, 'another site prebuild is running; if none is, delete that folder');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds the npm cache unless one built from the same inputs is already in place. */
export async function prebuild(): Promise<PrebuildResult> {
  const shared = await locateBundled();
  const names = await frameworkNpmNames();
  const versionOnly = names.filter((n) => !shared.has(n));
  const self = await readFile(new URL(import.meta.url), 'utf8');
  const inputs = {
    framework: await readVersion(frameworkDir),
    esbuild: await readVersion(join(repoRoot, 'node_modules', 'esbuild')),
    prebuild: sha256(self),
    bundled: [...shared.values()].map((p) => `${p.name}@${p.version}`).sort(),
    versionOnly,
  };
  const stampPath = `${npmCacheDir}.stamp.json`;
  const stamp = stableJson(inputs);

  const rebuilt = await withLock(async () => {
    const current = await readFile(stampPath, 'utf8').catch(() => '');
    if (current === stamp && existsSync(npmCacheDir)) return false;
    const started = Date.now();
    // Build beside the cache and swap it in, so a failed prebuild leaves the old cache whole.
    const staging = `${npmCacheDir}.tmp-${process.pid}`;
    try {
      for (const spec of BUNDLED) await bundle(spec, shared, staging);
      for (const name of versionOnly) await mkdir(join(staging, `${name}@${NOT_BUNDLED_VERSION}`), { recursive: true });
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    await rm(stampPath, { force: true });
    await rm(npmCacheDir, { recursive: true, force: true });
    await rename(staging, npmCacheDir);
    await writeFile(stampPath, stamp);
    log.info('site npm cache built', { cache: npmCacheDir, packages: shared.size, version_only: versionOnly.length, elapsed_ms: Date.now() - started });
    return true;
  });
  const bundled = await Promise.all(
    [...shared.values()].map(async (p) => ({ name: p.name, version: p.version, bytes: (await stat(join(npmCacheDir, cacheFile(p)))).size })),
  );
  return { cacheDir: npmCacheDir, bundled, versionOnly, rebuilt };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  prebuild().then(
    (r) => process.stdout.write(`${r.cacheDir}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
