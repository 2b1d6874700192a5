// The latest release of orchestrator_workflow_hourly, verified against its manifest, as one Parquet file.
import { ORCHESTRATOR_WORKFLOW_HOURLY } from '../../scripts/datasets.ts';
import { loadReleaseParquet, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseParquet(ORCHESTRATOR_WORKFLOW_HOURLY));
