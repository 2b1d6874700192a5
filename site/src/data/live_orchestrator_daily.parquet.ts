// The latest release of live_orchestrator_daily, verified against its manifest, as one Parquet file.
import { siteDataset } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(siteDataset('live_orchestrator_daily')));
