// Builds the static site from released datasets, offline: prebuild the npm cache, then run
// `observable build` on a staging copy of site/src with every connection off loopback refused.
// Usage: tsx site/scripts/build.ts [--store <release folder>] [--out <dist folder>]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { configPath, defaultOutDir, frameworkCli, npmCacheDir, offlineGuard, srcDir } from './paths.ts';
import { prebuild } from './prebuild.ts';
import { SITE_DATASETS } from './datasets.ts';
import { readLatestRelease, siteStore } from './release.ts';
import { orchestratorAddresses, orchestratorPaths } from './routes.ts';

export interface BuildSiteOptions {
  /** Release store folder (catalog.json at its top); default LPDATA_STORE, else data/store. */
  store?: string;
  /** Output folder; replaced only if it is empty or a previous site build. Default site/dist. */
  outDir?: string;
  /** Framework source root; default site/src. */
  srcDir?: string;
  /** File that gets one JSON line per refused off-loopback connection attempt. */
  netLog?: string;
  /** Kill the build after this long. */
  timeoutMs?: number;
}

export interface BuildSiteResult {
  outDir: string;
  store: string;
  elapsedMs: number;
}

const FRAMEWORK_ENV = {
  OBSERVABLE_TELEMETRY_DISABLE: 'true',
  // Plain output: the log is captured and quoted in errors.
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/**
 * A throwaway Framework root whose entries link to the real source, so parallel builds keep
 * separate loader caches while sharing the prebuilt npm cache. Loaders resolve their imports
 * from their real location (node follows the link).
 */
async function stageRoot(stage: string, source: string): Promise<string> {
  const root = join(stage, 'src');
  await mkdir(join(root, '.observablehq', 'cache'), { recursive: true });
  for (const entry of await readdir(source)) {
    if (!entry.startsWith('.')) await symlink(join(source, entry), join(root, entry));
  }
  await symlink(npmCacheDir, join(root, '.observablehq', 'cache', '_npm'));
  return root;
}

async function runFramework(cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [frameworkCli, 'build', '--config', configPath], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  }).finally(() => clearTimeout(timer));
  return { code, output: Buffer.concat(chunks).toString('utf8') };
}

/** Refuses an output folder that holds anything but a previous site build: it gets deleted. */
async function checkReplaceable(outDir: string): Promise<void> {
  if (!existsSync(outDir)) return;
  const entries = await readdir(outDir);
  const isSiteBuild = entries.includes('index.html') && entries.includes('_observablehq');
  if (entries.length > 0 && !isSiteBuild) {
    throw new UserError(`${outDir} exists and is not a site build; refusing to replace it`, 'choose an empty or new --out folder');
  }
}

async function publishOutput(built: string, outDir: string): Promise<void> {
  await checkReplaceable(outDir);
  await rm(outDir, { recursive: true, force: true });
  await rename(built, outDir);
}

export async function buildSite(options: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  const started = Date.now();
  const store = options.store ? resolve(options.store) : siteStore();
  const outDir = resolve(options.outDir ?? defaultOutDir);
  if (!existsSync(store)) {
    throw new UserError(`release store ${store} does not exist`, 'publish the datasets first, or pass --store / set LPDATA_STORE to the folder that holds catalog.json');
  }
  await checkReplaceable(outDir);
  // Fail in a second, not after Framework has bundled everything, when a dataset is not released.
  for (const dataset of SITE_DATASETS) await readLatestRelease(store, dataset.id);
  await prebuild();
  await mkdir(dirname(outDir), { recursive: true });
  // Staged beside the output so the finished folder moves into place with one rename.
  const stage = await mkdtemp(join(dirname(outDir), '.site-build-'));
  try {
    const built = join(stage, 'dist');
    // Parameterised pages are listed for the config here, where the releases are already checked.
    const pathsFile = join(stage, 'dynamic-paths.json');
    const source = resolve(options.srcDir ?? srcDir);
    const routed = existsSync(join(source, 'orchestrators', '[address].md'));
    await writeFile(pathsFile, JSON.stringify(routed ? orchestratorPaths(await orchestratorAddresses(store)) : []));
    const root = await stageRoot(stage, source);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...FRAMEWORK_ENV,
      LPDATA_STORE: store,
      LPDATA_SITE_ROOT: root,
      LPDATA_SITE_OUTPUT: built,
      LPDATA_SITE_PATHS: pathsFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(offlineGuard).href}`.trim(),
      ...(options.netLog ? { LPDATA_NET_LOG: options.netLog } : {}),
    };
    const { code, output } = await runFramework(stage, env, options.timeoutMs ?? 300_000);
    if (code !== 0 || !existsSync(join(built, 'index.html'))) {
      const tail = output.trimEnd().split('\n').slice(-40).join('\n');
      throw new UserError(`observable build failed (exit ${code}); last lines:\n${tail}`, 'read the loader or page error above; data problems name the release file and the fix');
    }
    await publishOutput(built, outDir);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  const elapsedMs = Date.now() - started;
  log.info('site built', { out: outDir, store, elapsed_ms: elapsedMs });
  return { outDir, store, elapsedMs };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new UserError(`${name} needs a value`, `e.g. ${name} ./data/store`);
  return v;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  Promise.resolve()
    .then(() => buildSite({ store: argValue(args, '--store'), outDir: argValue(args, '--out') }))
    .then(
      (r) => process.stdout.write(`${r.outDir}\n`),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
}
