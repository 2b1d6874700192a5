// Page weight of a built site without a browser: each page's HTML plus every distinct file it names
// (stylesheets, module preloads, imported components, registered data files). A data file the page
// registers but the reader never opens is counted too, so this is an upper bound of what
// test/site/browser.test.ts measures in Chromium (bytes the page fetched).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface PageWeight {
  page: string;
  bytes: number;
  files: number;
}

const ASSET = /"(\.{1,2}\/(?:\.\.\/)*_(?:file|npm|import|observablehq)\/[^"]+)"/g;

export function pageWeights(dist: string): PageWeight[] {
  const pages = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
  return pages.map((page) => {
    const html = join(dist, page);
    const text = readFileSync(html, 'utf8');
    const assets = new Set([...text.matchAll(ASSET)].map((m) => resolve(dirname(html), m[1]!)).filter((p) => existsSync(p)));
    let bytes = statSync(html).size;
    for (const a of assets) bytes += statSync(a).size;
    return { page: relative(dist, html), bytes, files: assets.size };
  });
}
