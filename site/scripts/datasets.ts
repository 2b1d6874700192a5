// The released datasets the site reads, and the columns its pages depend on (checked at load time).
import type { SiteDataset } from './release.ts';

export const ORCHESTRATOR_WORKFLOW_HOURLY: SiteDataset = {
  id: 'orchestrator_workflow_hourly',
  columns: ['hour', 'orchestrator_address', 'attribution_status', 'pipeline', 'model', 'requested_sessions', 'startup_success_sessions', 'startup_success_rate'],
};

/** Every dataset a page reads; the build checks each has a release before starting Framework. */
export const SITE_DATASETS: readonly SiteDataset[] = [ORCHESTRATOR_WORKFLOW_HOURLY];
