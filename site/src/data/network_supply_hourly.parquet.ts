// The latest release of network_supply_hourly, verified against its manifest, as one Parquet file.
import { siteDataset } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(siteDataset('network_supply_hourly')));
