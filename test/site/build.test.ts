// Builds the real site with the Framework CLI from a temporary release store, with every
// connection off loopback refused and recorded.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, sha256File } from '../../lib/hash.ts';
import { buildSite } from '../../site/scripts/build.ts';
import { npmCacheDir, repoRoot } from '../../site/scripts/paths.ts';
import { frameworkNpmNames, locateBundled, NOT_BUNDLED_VERSION } from '../../site/scripts/prebuild.ts';
import { sampleRows, type WrittenRelease } from './fixtures.ts';
import { ECONOMICS_ONLY, LIVE_ORCHESTRATORS, writeSiteStore } from './site-store.ts';

let tmp: string;
let store: string;
let release: WrittenRelease;
let dist: string;
let netLog: string;

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (ent.isFile()) out.push(relative(dir, join(ent.parentPath, ent.name)));
  }
  return out.sort();
}

async function treeHash(dir: string): Promise<string> {
  const files = await listTree(dir);
  const parts = await Promise.all(files.map(async (f) => `${f} ${sha256(await readFile(join(dir, f)))}`));
  return sha256(parts.join('\n'));
}

const attempts = async (log: string) => (existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean) : []);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-site-build-'));
  store = join(tmp, 'store');
  release = await writeSiteStore(store);
  dist = join(tmp, 'dist');
  netLog = join(tmp, 'net.log');
  const result = await buildSite({ store, outDir: dist, netLog });
  expect(result.outDir).toBe(dist);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('site build', () => {
  it('writes every page, one per orchestrator address seen in any dataset the orchestrator page reads', async () => {
    const files = await listTree(dist);
    for (const page of ['index', 'startup', 'orchestrators', 'gateways', 'economics', 'workflows', 'metrics', 'datasets', 'quality']) expect(files, page).toContain(`${page}.html`);
    expect(await readFile(join(dist, 'index.html'), 'utf8')).toContain('<title>Network overview');
    expect(files.filter((f) => f.startsWith('orchestrators/')).sort()).toEqual([...LIVE_ORCHESTRATORS, ECONOMICS_ONLY].sort().map((a) => `orchestrators/${a}.html`));
  });

  it('writes the startup page and ships the released Parquet unchanged', async () => {
    const html = await readFile(join(dist, 'startup.html'), 'utf8');
    expect(html).toContain('<title>Orchestrator startup success by hour');
    const files = await listTree(dist);
    const parquet = files.filter((f) => /^_file\/data\/orchestrator_workflow_hourly\.[0-9a-f]{8}\.parquet$/.test(f));
    expect(parquet).toHaveLength(1);
    expect((await sha256File(join(dist, parquet[0]!))).sha256).toBe(release.files[0]!.sha256);
    const meta = files.find((f) => /^_file\/data\/orchestrator_workflow_hourly\.release\.[0-9a-f]{8}\.json$/.test(f));
    expect(JSON.parse(await readFile(join(dist, meta!), 'utf8'))).toMatchObject({ release_id: release.releaseId, row_count: sampleRows().length });
  });

  it('made no connection attempt off 127.0.0.1', async () => {
    expect(await attempts(netLog)).toEqual([]);
  });

  it('ships no DuckDB-WASM, parquet-wasm or Arrow to a page that needs no SQL', async () => {
    const files = await listTree(dist);
    expect(files.filter((f) => /duckdb|parquet-wasm|apache-arrow|\.wasm$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('_npm/@observablehq/plot@'))).toBe(true);
    expect(files.some((f) => f.startsWith('_npm/hyparquet@'))).toBe(true);
  });

  it('references nothing outside the site', async () => {
    for (const page of (await listTree(dist)).filter((f) => f.endsWith('.html'))) {
      const html = await readFile(join(dist, page), 'utf8');
      expect(html.match(/(?:src|href)=["']?(?:https?:)?\/\/[^"' >]+/g) ?? [], page).toEqual([]);
    }
  });

  it('is reproducible: the same release builds to the same bytes', async () => {
    const again = join(tmp, 'dist-again');
    await buildSite({ store, outDir: again, netLog });
    expect(await treeHash(again)).toBe(await treeHash(dist));
  });
});

describe('npm cache', () => {
  const cacheFile = async (prefix: string) => {
    const dir = (await readdir(join(npmCacheDir, ...prefix.split('/').slice(0, -1)))).find((d) => d.startsWith(`${prefix.split('/').pop()}@`));
    return join(npmCacheDir, ...prefix.split('/').slice(0, -1), dir!, '_esm.js');
  };

  it('keeps imports between bundled packages as relative imports of one shared copy', async () => {
    const plot = await readFile(await cacheFile('@observablehq/plot'), 'utf8');
    expect(plot).toMatch(/from\s*"\.\.\/\.\.\/d3@[\d.]+\/_esm\.js"/);
    const duckdb = await readFile(await cacheFile('@duckdb/duckdb-wasm'), 'utf8');
    const arrowVersion = JSON.parse(await readFile(join(repoRoot, 'node_modules', 'apache-arrow', 'package.json'), 'utf8')).version;
    expect(duckdb).toContain(`"../../apache-arrow@${arrowVersion}/_esm.js"`);
  });

  it("copies DuckDB-WASM's wasm and worker files verbatim", async () => {
    for (const file of ['dist/duckdb-eh.wasm', 'dist/duckdb-browser-eh.worker.js']) {
      const original = await sha256File(join(repoRoot, 'node_modules', '@duckdb', 'duckdb-wasm', file));
      expect(await sha256File(join(npmCacheDir, '@duckdb', 'duckdb-wasm@1.29.0', file))).toEqual(original);
    }
  });

  it("answers Framework's version look-up for every library its client names", async () => {
    for (const name of await frameworkNpmNames()) {
      const scope = name.startsWith('@') ? name.split('/')[0]! : '';
      const base = name.startsWith('@') ? name.split('/')[1]! : name;
      const versions = (await readdir(join(npmCacheDir, scope))).filter((d) => d.startsWith(`${base}@`));
      expect(versions, name).toHaveLength(1);
    }
    expect(existsSync(join(npmCacheDir, `lodash@${NOT_BUNDLED_VERSION}`))).toBe(true);
  });
});

describe('site build failures', () => {
  it('names a missing npm package and the exact devDependency to add', async () => {
    await expect(locateBundled([{ name: 'lpdata-no-such-package', suggest: '1.2.3', why: 'a test page' }])).rejects.toThrow(
      /not installed: lpdata-no-such-package \(a test page\)\n  fix: add to package.json dependencies: "lpdata-no-such-package": "1.2.3"/,
    );
  });

  it('fails, and records the CDN request it refused, when a page imports an npm package that is not bundled', async () => {
    const src = join(tmp, 'src-lodash');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'index.md'), '# Needs lodash\n\n```js\nimport _ from "npm:lodash";\ndisplay(_.VERSION);\n```\n');
    const log = join(tmp, 'net-lodash.log');
    await expect(buildSite({ store, outDir: join(tmp, 'dist-lodash'), srcDir: src, netLog: log })).rejects.toThrow(/observable build failed[\s\S]*refused connect to cdn\.jsdelivr\.net/);
    expect((await attempts(log)).map((l) => JSON.parse(l).host)).toContain('cdn.jsdelivr.net');
    expect(existsSync(join(tmp, 'dist-lodash'))).toBe(false);
  });

  it('fails before starting Framework when the store has no release of a dataset the pages read', async () => {
    const empty = join(tmp, 'empty-store');
    await mkdir(empty, { recursive: true });
    await expect(buildSite({ store: empty, outDir: join(tmp, 'dist-empty') })).rejects.toThrow(/dataset orchestrator_workflow_hourly has no release in .*empty-store/);
  });

  it('refuses to replace an output folder that is not a site build', async () => {
    const precious = join(tmp, 'precious');
    await mkdir(precious, { recursive: true });
    await writeFile(join(precious, 'notes.txt'), 'keep me');
    await expect(buildSite({ store, outDir: precious })).rejects.toThrow(/exists and is not a site build; refusing to replace it/);
    expect(await readFile(join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
