// The latest release of probe_results_daily, verified against its manifest, as one Parquet file.
import { siteDataset } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(siteDataset('probe_results_daily')));
