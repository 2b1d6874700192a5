// The manifest of the release the Parquet loader serves: release id, version, rows, and any
// freshness and coverage fields the publisher recorded.
import { ORCHESTRATOR_WORKFLOW_HOURLY } from '../../scripts/datasets.ts';
import { loadReleaseMetadata, runLoader } from '../../scripts/release.ts';

await runLoader(() => loadReleaseMetadata(ORCHESTRATOR_WORKFLOW_HOURLY));
