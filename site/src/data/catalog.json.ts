// Every released dataset: manifest fields, quality.json, check counts and changelog.
import { loadCatalog } from '../../scripts/catalog.ts';
import { runLoader } from '../../scripts/release.ts';

await runLoader(() => loadCatalog());
