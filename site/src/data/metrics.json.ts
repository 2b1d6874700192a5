// The metric registry as released beside catalog.json.
import { loadMetrics } from '../../scripts/catalog.ts';
import { runLoader } from '../../scripts/release.ts';

await runLoader(() => loadMetrics());
