// The latest release of economics_rounds, verified against its manifest, as one Parquet file.
import { siteDataset } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(siteDataset('economics_rounds')));
