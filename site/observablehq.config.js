// Observable Framework configuration. Builds run offline (see README.md): no global web-font
// stylesheet, no DuckDB extension downloads, and loaders run with the repository's tsx.
import { readFileSync } from "node:fs";
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
  // One page per orchestrator (orchestrators/[address].md); build.ts lists the addresses found in the releases.
  dynamicPaths: process.env.LPDATA_SITE_PATHS ? JSON.parse(readFileSync(process.env.LPDATA_SITE_PATHS, "utf8")) : [],
  pages: [
    {name: "Network overview", path: "/"},
    {name: "Orchestrators", path: "/orchestrators"},
    {name: "Gateways", path: "/gateways"},
    {name: "Economics", path: "/economics"},
    {name: "Workflows and regions", path: "/workflows"},
    {name: "Startup success by hour", path: "/startup"},
    {name: "Metric catalog", path: "/metrics"},
    {name: "Datasets", path: "/datasets"},
    {name: "Data quality", path: "/quality"},
    {name: "Example analyses", path: "/analyses/"},
  ],
  search: false,
  // An inline icon, so browsers do not ask the server for /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  footer: "Built from released datasets only; every number on these pages can be recomputed from the Parquet files they link to.",
};
