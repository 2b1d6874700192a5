// The latest release of reconciliation_subgraph_chain_daily, verified against its manifest, as one Parquet file.
import { siteDataset } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(siteDataset('reconciliation_subgraph_chain_daily')));
