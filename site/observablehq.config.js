// Observable Framework configuration. Builds run offline (see README.md): no global web-font
// stylesheet, no DuckDB extension downloads, and loaders run with the repository's tsx.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

export default {
  title: "Livepeer network data",
  // site/scripts/build.ts points these at a staging copy and the requested output folder.
  root: process.env.LPDATA_SITE_ROOT ?? fileURLToPath(new URL("./src", import.meta.url)),
  output: process.env.LPDATA_SITE_OUTPUT ?? fileURLToPath(new URL("./dist", import.meta.url)),
  globalStylesheets: [],
  duckdb: { extensions: { json: null, parquet: null } },
  // One node process per TypeScript loader, with tsx registered as a loader hook.
  interpreters: { ".ts": [process.execPath, "--import", pathToFileURL(require.resolve("tsx/esm")).href] },
  search: false,
  // An inline icon, so browsers do not ask the server for /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  footer: "Built from released datasets only; every number on these pages can be recomputed from the Parquet files they link to.",
};
