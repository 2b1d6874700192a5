// The released datasets the site reads, and the columns its pages depend on (checked at load time).
import type { SiteDataset } from './release.ts';

export const ORCHESTRATOR_WORKFLOW_HOURLY: SiteDataset = {
  id: 'orchestrator_workflow_hourly',
  columns: ['hour', 'orchestrator_address', 'attribution_status', 'pipeline', 'model', 'requested_sessions', 'startup_success_sessions', 'startup_success_rate'],
};

/** The rates, latencies and SLA score parts the overview, leaderboard and orchestrator pages sum. */
const LIVE_COLUMNS = [
  'orchestrator_address', 'attribution_status', 'region', 'pipeline', 'model',
  'requested_sessions', 'startup_success_sessions', 'output_failed_sessions', 'swapped_sessions',
  'prompt_to_first_frame_sum_ms', 'prompt_to_first_frame_count', 'e2e_latency_sum_ms', 'e2e_latency_count',
  'output_fps_sum', 'status_samples',
  'sla_requested_sessions', 'sla_startup_success_sessions', 'sla_swapped_sessions', 'sla_output_failed_sessions',
  'sla_prompt_to_first_frame_sum_ms', 'sla_prompt_to_first_frame_count', 'sla_e2e_latency_sum_ms', 'sla_e2e_latency_count',
  'health_signal_coverage_ratio',
  'benchmark_ptff_p50_ms', 'benchmark_ptff_p90_ms', 'benchmark_ptff_rows', 'benchmark_e2e_p50_ms', 'benchmark_e2e_p90_ms', 'benchmark_e2e_rows',
  'benchmark_fps_p10', 'benchmark_fps_p50', 'benchmark_fps_rows',
  'reliability_score', 'ptff_score', 'e2e_score', 'fps_score', 'latency_score', 'quality_score', 'sla_score', 'sla_evidence',
] as const;

export const LIVE_ORCHESTRATOR_HOURLY: SiteDataset = { id: 'live_orchestrator_hourly', columns: ['hour', ...LIVE_COLUMNS] };
export const LIVE_ORCHESTRATOR_DAILY: SiteDataset = { id: 'live_orchestrator_daily', columns: ['day', ...LIVE_COLUMNS] };

export const GATEWAY_DEMAND_HOURLY: SiteDataset = {
  id: 'gateway_demand_hourly',
  columns: ['hour', 'gateway_host', 'gateway_address', 'pipeline', 'model', 'requested_sessions', 'served_sessions', 'unserved_sessions'],
};

export const NETWORK_SUPPLY_HOURLY: SiteDataset = {
  id: 'network_supply_hourly',
  columns: ['hour', 'pipeline', 'model', 'orchestrators_seen', 'warm_orchestrators', 'gpus_advertised', 'idle_slots', 'in_use_slots', 'total_slots', 'declared_capacity'],
};

export const ORCHESTRATOR_ECONOMICS_DAILY: SiteDataset = {
  id: 'orchestrator_economics_daily',
  columns: ['day', 'orchestrator_address', 'winning_tickets', 'fees_eth', 'reward_calls', 'reward_lpt', 'active_rounds', 'rewarded_rounds', 'missed_reward_rounds', 'reward_cut_pct', 'fee_share_pct', 'stake_lpt', 'is_active'],
};

export const PROBE_RESULTS_DAILY: SiteDataset = {
  id: 'probe_results_daily',
  columns: ['day', 'orchestrator_address', 'region', 'job_type', 'pipeline', 'model', 'probe_count', 'probe_success_sum', 'probe_rtt_mean_s', 'probe_rtt_p95_s', 'probe_error_count'],
};

export const WORKFLOW_TRAFFIC_DAILY: SiteDataset = {
  id: 'workflow_traffic_daily',
  columns: ['day', 'orchestrator_address', 'pipeline', 'model', 'traffic_class', 'traffic_requests', 'traffic_scored_requests', 'traffic_successes', 'traffic_latency_p50_ms'],
};

export const ECONOMICS_FEES_DAILY: SiteDataset = {
  id: 'economics_fees_daily',
  columns: ['day', 'gateway_address', 'orchestrator_address', 'winning_tickets', 'fees_eth'],
};

export const ECONOMICS_ROUNDS: SiteDataset = {
  id: 'economics_rounds',
  columns: ['round', 'started_at', 'is_closed', 'active_rounds', 'rewarded_rounds', 'missed_reward_rounds', 'pending_reward_rounds', 'reward_calls', 'reward_lpt', 'treasury_lpt', 'winning_tickets', 'fees_eth', 'cut_changes'],
};

export const RECONCILIATION_SUBGRAPH_CHAIN_DAILY: SiteDataset = {
  id: 'reconciliation_subgraph_chain_daily',
  columns: ['day', 'orchestrator_address', 'chain_reward_calls', 'subgraph_reward_calls', 'reward_diff_wei', 'fees_diff_wei', 'chain_winning_tickets', 'subgraph_winning_tickets', 'unmatched_events', 'status'],
};

/** Every dataset a page reads; the build checks each has a release before starting Framework. */
export const SITE_DATASETS: readonly SiteDataset[] = [
  ORCHESTRATOR_WORKFLOW_HOURLY,
  LIVE_ORCHESTRATOR_HOURLY,
  LIVE_ORCHESTRATOR_DAILY,
  GATEWAY_DEMAND_HOURLY,
  NETWORK_SUPPLY_HOURLY,
  ORCHESTRATOR_ECONOMICS_DAILY,
  PROBE_RESULTS_DAILY,
  WORKFLOW_TRAFFIC_DAILY,
  ECONOMICS_FEES_DAILY,
  ECONOMICS_ROUNDS,
  RECONCILIATION_SUBGRAPH_CHAIN_DAILY,
];

/** Datasets whose orchestrator_address values each get a page under /orchestrators/. */
export const ORCHESTRATOR_DATASETS: readonly SiteDataset[] = [LIVE_ORCHESTRATOR_DAILY, ORCHESTRATOR_ECONOMICS_DAILY, PROBE_RESULTS_DAILY, WORKFLOW_TRAFFIC_DAILY];

export function siteDataset(id: string): SiteDataset {
  const found = SITE_DATASETS.find((d) => d.id === id);
  if (!found) throw new Error(`site dataset ${id} is not in SITE_DATASETS`);
  return found;
}
