// Where the site's parts live, derived from this file's location so any working directory works.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const siteDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(siteDir, '..');
/** The Framework source root: pages, components and data loaders. */
export const srcDir = join(siteDir, 'src');
export const configPath = join(siteDir, 'observablehq.config.js');
export const defaultOutDir = join(siteDir, 'dist');
/** Framework reads npm packages from `<root>/.observablehq/cache/_npm`; prebuild fills it here. */
export const npmCacheDir = join(srcDir, '.observablehq', 'cache', '_npm');
export const frameworkDir = join(repoRoot, 'node_modules', '@observablehq', 'framework');
export const frameworkCli = join(frameworkDir, 'dist', 'bin', 'observable.js');
export const offlineGuard = join(siteDir, 'scripts', 'offline-guard.mjs');
