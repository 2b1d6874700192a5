// A complete small release store for the site tests: every dataset the pages read, written with
// DuckDB in the publisher's layout (Parquet, manifest.json with schema and quality.json
// attachment, latest.json, catalog.json), plus a metric registry.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadDescriptors } from '../../datasets/publish.ts';
import { sha256 } from '../../lib/hash.ts';
import { FIRST_HOUR, ORCHESTRATORS, sampleRows, upsertCatalog, writeRelease, type WrittenRelease } from './fixtures.ts';

/** Addresses with live-video rows: [0] and [1]. */
export const LIVE_ORCHESTRATORS = [ORCHESTRATORS[0]!, ORCHESTRATORS[1]!];
/** Seen only in the economics dataset: its page must say "no data" for live video, probes and traffic. */
export const ECONOMICS_ONLY = '0x4444444444444444444444444444444444444444';
/** Hours (from FIRST_HOUR) with live rows but no requested sessions: no rate, not 0%. */
export const LIVE_QUIET_HOURS = [3, 4];
export const LIVE_WORKFLOW = { pipeline: 'live-video-to-video', model: 'streamdiffusion' };
export const GATEWAYS = ['0x9999999999999999999999999999999999999999', '0x8888888888888888888888888888888888888888'];
export const CREATED_AT = '2026-11-17T00:05:00Z';
const DAY = '2026-11-16';
const WINDOW = { from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' };
const RELEASE_ID = '20261116-fixture000001';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (xs: readonly string[]) => xs.map(quote).join(', ');
const hourExpr = `make_timestamp(${FIRST_HOUR * 1000}::bigint + h * 3600000000::bigint)`;

/** Requested sessions per live hour: 0 in the quiet hours, else 6 + (h + o) % 5. */
export function liveRequested(h: number, o: number): number {
  return LIVE_QUIET_HOURS.includes(h) ? 0 : 6 + ((h + o) % 5);
}
/** One failed start every third hour. */
export const liveStarted = (h: number, o: number): number => Math.max(0, liveRequested(h, o) - (h % 3 === 0 ? 1 : 0));

const liveHourly = `
with base as (
  select ${hourExpr} as hour, o, list_extract([${list(LIVE_ORCHESTRATORS)}], o + 1) as orchestrator_address,
         case when h in (${LIVE_QUIET_HOURS.join(', ')}) then 0 else 6 + (h + o) % 5 end::bigint as requested_sessions, h
  from range(24) t(h), range(${LIVE_ORCHESTRATORS.length}) u(o)
)
select hour, orchestrator_address, 'resolved' as attribution_status, 'FRA' as region, ${quote(LIVE_WORKFLOW.pipeline)} as pipeline, ${quote(LIVE_WORKFLOW.model)} as model,
  requested_sessions, greatest(requested_sessions - case when h % 3 = 0 then 1 else 0 end, 0)::bigint as startup_success_sessions,
  0::bigint as output_failed_sessions, 0::bigint as swapped_sessions,
  (requested_sessions * (1500 + 100 * o))::bigint as prompt_to_first_frame_sum_ms, requested_sessions as prompt_to_first_frame_count,
  (requested_sessions * 500)::bigint as e2e_latency_sum_ms, requested_sessions as e2e_latency_count,
  (requested_sessions * 3 * 20.0)::double as output_fps_sum, (requested_sessions * 3)::bigint as status_samples,
  requested_sessions as sla_requested_sessions, greatest(requested_sessions - case when h % 3 = 0 then 1 else 0 end, 0)::bigint as sla_startup_success_sessions,
  0::bigint as sla_swapped_sessions, 0::bigint as sla_output_failed_sessions,
  (requested_sessions * (1500 + 100 * o))::bigint as sla_prompt_to_first_frame_sum_ms, requested_sessions as sla_prompt_to_first_frame_count,
  (requested_sessions * 500)::bigint as sla_e2e_latency_sum_ms, requested_sessions as sla_e2e_latency_count,
  case when requested_sessions > 0 then 1.0 end::double as health_signal_coverage_ratio,
  1400.0 as benchmark_ptff_p50_ms, 2400.0 as benchmark_ptff_p90_ms, 60::bigint as benchmark_ptff_rows,
  450.0 as benchmark_e2e_p50_ms, 900.0 as benchmark_e2e_p90_ms, 60::bigint as benchmark_e2e_rows,
  12.0 as benchmark_fps_p10, 22.0 as benchmark_fps_p50, 60::bigint as benchmark_fps_rows,
  case when requested_sessions > 0 then 0.9 end::double as reliability_score, case when requested_sessions > 0 then 0.8 end::double as ptff_score,
  case when requested_sessions > 0 then 0.9 end::double as e2e_score, case when requested_sessions > 0 then 0.8 end::double as fps_score,
  case when requested_sessions > 0 then 0.84 end::double as latency_score, case when requested_sessions > 0 then 0.824 end::double as quality_score,
  case when requested_sessions > 0 then 80 + o * 5 end::double as sla_score, case when requested_sessions > 0 then 'sufficient' end as sla_evidence
from base order by hour, orchestrator_address`;

const liveDaily = `
select hour::date as day, orchestrator_address, attribution_status, region, pipeline, model,
  sum(requested_sessions)::bigint as requested_sessions, sum(startup_success_sessions)::bigint as startup_success_sessions,
  sum(output_failed_sessions)::bigint as output_failed_sessions, sum(swapped_sessions)::bigint as swapped_sessions,
  sum(prompt_to_first_frame_sum_ms)::bigint as prompt_to_first_frame_sum_ms, sum(prompt_to_first_frame_count)::bigint as prompt_to_first_frame_count,
  sum(e2e_latency_sum_ms)::bigint as e2e_latency_sum_ms, sum(e2e_latency_count)::bigint as e2e_latency_count,
  sum(output_fps_sum)::double as output_fps_sum, sum(status_samples)::bigint as status_samples,
  sum(sla_requested_sessions)::bigint as sla_requested_sessions, sum(sla_startup_success_sessions)::bigint as sla_startup_success_sessions,
  sum(sla_swapped_sessions)::bigint as sla_swapped_sessions, sum(sla_output_failed_sessions)::bigint as sla_output_failed_sessions,
  sum(sla_prompt_to_first_frame_sum_ms)::bigint as sla_prompt_to_first_frame_sum_ms, sum(sla_prompt_to_first_frame_count)::bigint as sla_prompt_to_first_frame_count,
  sum(sla_e2e_latency_sum_ms)::bigint as sla_e2e_latency_sum_ms, sum(sla_e2e_latency_count)::bigint as sla_e2e_latency_count,
  1.0::double as health_signal_coverage_ratio,
  any_value(benchmark_ptff_p50_ms) as benchmark_ptff_p50_ms, any_value(benchmark_ptff_p90_ms) as benchmark_ptff_p90_ms, any_value(benchmark_ptff_rows) as benchmark_ptff_rows,
  any_value(benchmark_e2e_p50_ms) as benchmark_e2e_p50_ms, any_value(benchmark_e2e_p90_ms) as benchmark_e2e_p90_ms, any_value(benchmark_e2e_rows) as benchmark_e2e_rows,
  any_value(benchmark_fps_p10) as benchmark_fps_p10, any_value(benchmark_fps_p50) as benchmark_fps_p50, any_value(benchmark_fps_rows) as benchmark_fps_rows,
  max(reliability_score) as reliability_score, max(ptff_score) as ptff_score, max(e2e_score) as e2e_score, max(fps_score) as fps_score,
  max(latency_score) as latency_score, max(quality_score) as quality_score, max(sla_score) as sla_score, max(sla_evidence) as sla_evidence
from (${liveHourly}) group by all order by day, orchestrator_address`;

const gatewayDemand = `
select ${hourExpr} as hour, '' as gateway_host, list_extract([${list(GATEWAYS)}], g + 1) as gateway_address, ${quote(LIVE_WORKFLOW.pipeline)} as pipeline, ${quote(LIVE_WORKFLOW.model)} as model,
  (5 + h % 4)::bigint as requested_sessions, (5 + h % 4 - case when h % 6 = 0 then 1 else 0 end)::bigint as served_sessions, (case when h % 6 = 0 then 1 else 0 end)::bigint as unserved_sessions
from range(24) t(h), range(${GATEWAYS.length}) u(g) order by hour, gateway_address`;

const networkSupply = `
select ${hourExpr} as hour, ${quote(LIVE_WORKFLOW.pipeline)} as pipeline, ${quote(LIVE_WORKFLOW.model)} as model, 2::bigint as orchestrators_seen, 2::bigint as warm_orchestrators,
  4::bigint as gpus_advertised, (8 - h % 5)::bigint as idle_slots, (h % 5)::bigint as in_use_slots, 8::bigint as total_slots, 0::bigint as declared_capacity
from range(24) t(h) order by hour`;

const economics = `
select date '${DAY}' as day, a as orchestrator_address, (10 + i)::bigint as winning_tickets, (0.1 * (i + 1))::decimal(38,18) as fees_eth, 1::bigint as reward_calls,
  (100.5 * (i + 1))::decimal(38,18) as reward_lpt, 1::bigint as active_rounds, 1::bigint as rewarded_rounds, 0::bigint as missed_reward_rounds,
  5.0 as reward_cut_pct, 90.0 as fee_share_pct, (10000 * (i + 1))::decimal(38,18) as stake_lpt, true as is_active
from (select unnest([${list([...LIVE_ORCHESTRATORS, ECONOMICS_ONLY])}]) as a, generate_subscripts([${list([...LIVE_ORCHESTRATORS, ECONOMICS_ONLY])}], 1) - 1 as i) order by a`;

const probes = `
select date '${DAY}' as day, list_extract([${list(LIVE_ORCHESTRATORS)}], o + 1) as orchestrator_address, list_extract(['FRA', 'NYC'], r + 1) as region, 'ai' as job_type,
  ${quote(LIVE_WORKFLOW.pipeline)} as pipeline, ${quote(LIVE_WORKFLOW.model)} as model, 24::bigint as probe_count, (24 - r - o)::double as probe_success_sum,
  (0.5 + 0.1 * r)::double as probe_rtt_mean_s, (0.9 + 0.1 * r)::double as probe_rtt_p95_s, (r + o)::bigint as probe_error_count
from range(${LIVE_ORCHESTRATORS.length}) t(o), range(2) u(r) order by orchestrator_address, region`;

const traffic = `
select date '${DAY}' as day, ${quote(LIVE_ORCHESTRATORS[0]!)} as orchestrator_address, 'llm' as pipeline, 'meta-llama/Meta-Llama-3.1-8B-Instruct' as model, c as traffic_class,
  n::bigint as traffic_requests, n::bigint as traffic_scored_requests, (n - 1)::bigint as traffic_successes, 420.0 as traffic_latency_p50_ms
from (values ('organic', 20), ('synthetic', 6)) v(c, n) order by traffic_class`;

const fees = `
select date '${DAY}' as day, g as gateway_address, o as orchestrator_address, 3::bigint as winning_tickets, 0.25::decimal(38,18) as fees_eth
from unnest([${list(GATEWAYS)}]) t(g), unnest([${list(LIVE_ORCHESTRATORS)}]) u(o) order by g, o`;

/** Two rounds; the second has one missed reward call out of three active orchestrators. */
const rounds = `
select (4660 + r)::bigint as round, make_timestamp(${FIRST_HOUR * 1000}::bigint + r * 43200000000::bigint) as started_at, r = 0 as is_closed,
  3::bigint as active_rounds, (3 - r)::bigint as rewarded_rounds, r::bigint as missed_reward_rounds, 0::bigint as pending_reward_rounds,
  (3 - r)::bigint as reward_calls, (1000.0 * (3 - r))::decimal(38,18) as reward_lpt, 100.0::decimal(38,18) as treasury_lpt,
  (20 + r)::bigint as winning_tickets, (0.5 + r)::decimal(38,18) as fees_eth, 0::bigint as cut_changes
from range(2) t(r) order by round`;

/** One orchestrator matches; the other differs by one reward call. */
const reconciliation = `
select date '${DAY}' as day, list_extract([${list(LIVE_ORCHESTRATORS)}], o + 1) as orchestrator_address, 2::bigint as chain_reward_calls, (2 - o)::bigint as subgraph_reward_calls,
  (o * 1000)::decimal(38,0) as reward_diff_wei, 0::decimal(38,0) as fees_diff_wei, 5::bigint as chain_winning_tickets, 5::bigint as subgraph_winning_tickets,
  o::bigint as unmatched_events, case when o = 0 then 'matched' else 'mismatch' end as status
from range(${LIVE_ORCHESTRATORS.length}) t(o) order by orchestrator_address`;

export const SITE_FIXTURE_DATASETS: Record<string, { title: string; sql: string }> = {
  live_orchestrator_hourly: { title: 'Live AI session reliability per orchestrator and hour', sql: liveHourly },
  live_orchestrator_daily: { title: 'Live AI session reliability per orchestrator and day', sql: liveDaily },
  gateway_demand_hourly: { title: 'Gateway demand per hour', sql: gatewayDemand },
  network_supply_hourly: { title: 'Network supply per hour', sql: networkSupply },
  orchestrator_economics_daily: { title: 'Orchestrator economics per day', sql: economics },
  probe_results_daily: { title: 'Probe results per day', sql: probes },
  workflow_traffic_daily: { title: 'Workflow traffic per day', sql: traffic },
  economics_fees_daily: { title: 'Protocol fees per gateway and orchestrator and day', sql: fees },
  economics_rounds: { title: 'Protocol rounds', sql: rounds },
  reconciliation_subgraph_chain_daily: { title: 'Subgraph against chain, per orchestrator and day', sql: reconciliation },
};

export const FIXTURE_METRICS = [
  { id: 'sla_score', title: 'SLA score', family: 'live', unit: 'score_0_100', direction: 'higher_is_better', aggregation: 'recompute', formula: '100 * coalesce(health_signal_coverage_ratio, 1) * (0.7 * reliability_score + 0.3 * quality_score)', datasets: ['live_orchestrator_daily'], status: 'stable', definition: 'Composite live-video SLA score.', thresholds: { healthy: 80, degraded: 60 }, peer: { system: 'NaaP analytics', name: 'sla score', match: 'adapted' } },
  { id: 'startup_success_rate', title: 'Startup success rate', family: 'live', unit: 'ratio', direction: 'higher_is_better', aggregation: 'ratio_of_sums', formula: 'startup_success_sessions / requested_sessions', datasets: ['live_orchestrator_daily'], status: 'stable', definition: 'Share of requested sessions that started.' },
  { id: 'fees_eth', title: 'Fees (ETH)', family: 'economics', unit: 'eth', direction: 'neutral', aggregation: 'sum', formula: 'sum(face value of winning tickets redeemed)', datasets: ['orchestrator_economics_daily'], status: 'stable', definition: 'Fees redeemed by the orchestrator.' },
];

async function writeDataset(store: string, db: import('@duckdb/node-api').DuckDBConnection, id: string, title: string, sql: string): Promise<void> {
  // The committed version, so analyses that name a major version read what a real store holds.
  const version = loadDescriptors().find((d) => d.id === id)?.version ?? '1.0.0';
  const major = `v${version.split('.')[0]}`;
  const dir = join(store, id, major, RELEASE_ID);
  await mkdir(dir, { recursive: true });
  const target = join(dir, 'part-0.parquet');
  await db.run(`copy (${sql}) to ${quote(target)} (format parquet, compression zstd)`);
  const described = (await db.runAndReadAll(`describe (${sql})`)).getRowObjects();
  const rows = Number((await db.runAndReadAll(`select count(*) as n from (${sql})`)).getRowObjects()[0]!.n);
  const body = await readFile(target);
  const quality = {
    checks: [{ passed: true, test: 'columns match contract' }, { passed: true, test: `unique rows in ${id}` }],
    coverage: { orchestrators_in_release: 2, orchestrators_known: 2, share: 1 },
    dataset_id: id,
    drift: { change_pct: null, previous_release_id: null, previous_rows: null, rows },
    freshness: [{ entity: 'fixture', lag_hours: 0, source: 'fixture', watermark: WINDOW.to }],
    release_id: RELEASE_ID,
  };
  const qualityBody = JSON.stringify(quality, null, 2);
  await writeFile(join(dir, 'quality.json'), qualityBody);
  const manifest = {
    dataset_id: id,
    version,
    release_id: RELEASE_ID,
    title,
    created_at: CREATED_AT,
    window: WINDOW,
    grain: `fixture grain of ${id}`,
    license: 'CC-BY-4.0',
    row_count: rows,
    files: [{ path: 'part-0.parquet', bytes: body.length, sha256: sha256(body), rows }],
    schema: described.map((c) => ({ name: String(c.column_name), type: String(c.column_type) })),
    sources: [{ source: 'fixture', entity: 'fixture', partitions: 1, rows, watermark: WINDOW.to }],
    attachments: [{ path: 'quality.json', bytes: Buffer.byteLength(qualityBody), sha256: sha256(qualityBody) }],
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const manifestRel = `${major}/${RELEASE_ID}/manifest.json`;
  await writeFile(join(store, id, 'latest.json'), JSON.stringify({ dataset_id: id, version, release_id: RELEASE_ID, manifest: manifestRel }, null, 2));
  await upsertCatalog(store, { id, title, latest: { version, release_id: RELEASE_ID, manifest: `${id}/${manifestRel}` } });
}

/** Every dataset the site reads, plus metrics.json; returns the startup page's release. */
export async function writeSiteStore(store: string): Promise<WrittenRelease> {
  const startup = await writeRelease(store, sampleRows());
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const db = await instance.connect();
    for (const [id, { title, sql }] of Object.entries(SITE_FIXTURE_DATASETS)) await writeDataset(store, db, id, title, sql);
    db.closeSync();
  } finally {
    instance.closeSync();
  }
  await writeFile(join(store, 'metrics.json'), JSON.stringify({ metrics: FIXTURE_METRICS }, null, 2));
  return startup;
}
