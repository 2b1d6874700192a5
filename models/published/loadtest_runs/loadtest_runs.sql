-- Loads load-test runs and their requests; makes one row per run: plan, vantage, outcome counts by
-- class, success rate and latency.
with runs as (
    select * from core_loadtest_runs
    where started_at_ms >= getvariable('window_from_ms')
        and started_at_ms < getvariable('window_to_ms')
),

requests as (
    select * from core_loadtest_requests
),

outcomes as (
    select
        run_id,
        count(*) as traffic_requests,
        count(*) filter (where is_scored) as traffic_scored_requests,
        count(*) filter (where outcome = 'passed') as traffic_successes,
        count(*) filter (where outcome = 'failed') as traffic_failed_requests,
        count(*) filter (where outcome in ('deferred_busy', 'deferred_indeterminate')) as traffic_deferred_requests,
        count(*) filter (where outcome = 'deferred_busy') as loadtest_deferred_busy_requests,
        count(*) filter (where outcome = 'deferred_indeterminate') as loadtest_deferred_indeterminate_requests,
        count(*) filter (where outcome = 'unscored') as traffic_unscored_requests,
        count(latency_ms) as traffic_latency_samples,
        quantile_cont(latency_ms, 0.5) as traffic_latency_p50_ms,
        quantile_cont(latency_ms, 0.95) as traffic_latency_p95_ms,
        count(distinct orchestrator_address) as orchestrators_served
    from requests
    group by run_id
),

rates as (
    select
        r.*,
        coalesce(o.traffic_requests, 0) as traffic_requests,
        coalesce(o.traffic_scored_requests, 0) as traffic_scored_requests,
        coalesce(o.traffic_successes, 0) as traffic_successes,
        coalesce(o.traffic_failed_requests, 0) as traffic_failed_requests,
        coalesce(o.traffic_deferred_requests, 0) as traffic_deferred_requests,
        coalesce(o.loadtest_deferred_busy_requests, 0) as loadtest_deferred_busy_requests,
        coalesce(o.loadtest_deferred_indeterminate_requests, 0) as loadtest_deferred_indeterminate_requests,
        coalesce(o.traffic_unscored_requests, 0) as traffic_unscored_requests,
        coalesce(o.traffic_latency_samples, 0) as traffic_latency_samples,
        o.traffic_latency_p50_ms,
        o.traffic_latency_p95_ms,
        coalesce(o.orchestrators_served, 0) as orchestrators_served,
        case when o.traffic_scored_requests > 0 then o.traffic_successes / o.traffic_scored_requests end as traffic_success_rate
    from runs as r
    left join outcomes as o using (run_id)
),

final as (
    select
        run_id,
        day,
        make_timestamp(started_at_ms * 1000) as started_at,
        make_timestamp(ended_at_ms * 1000) as ended_at,
        plan_id,
        plan_version,
        plan_sha256,
        pipeline,
        model,
        vantage_region,
        runner_name,
        runner_version,
        gateway_version,
        input_pool_ids,
        input_sha256s,
        orchestrators_served,
        traffic_requests,
        traffic_scored_requests,
        traffic_successes,
        traffic_failed_requests,
        traffic_deferred_requests,
        loadtest_deferred_busy_requests,
        loadtest_deferred_indeterminate_requests,
        traffic_unscored_requests,
        traffic_success_rate,
        -- Wilson score interval at 95 % (sql/macros.sql).
        wilson_low(traffic_success_rate, traffic_scored_requests) as traffic_success_rate_ci_low,
        wilson_high(traffic_success_rate, traffic_scored_requests) as traffic_success_rate_ci_high,
        traffic_latency_samples,
        traffic_latency_p50_ms,
        traffic_latency_p95_ms
    from rates
)

select * from final
order by run_id
