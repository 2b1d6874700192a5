-- Loads leaderboard probe results; makes probe counts, success, round-trip time and errors per day,
-- orchestrator, tester region and workflow (display names merged into slugs).
with probes as (
    select * from core_probe_results
    where window_from_ms >= getvariable('window_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

daily as (
    select
        day,
        orchestrator_address,
        region,
        job_type,
        pipeline,
        model,
        count(*) as probe_count,
        -- Float sums in value order, so their last bits do not depend on how threads split the rows.
        sum(success_rate order by success_rate) as probe_success_sum,
        sum(round_trip_time_s order by round_trip_time_s) as probe_rtt_sum_s,
        count(*) filter (where is_rtt_sample) as probe_rtt_sample_count,
        quantile_cont(round_trip_time_s, 0.5) filter (where is_rtt_sample) as probe_rtt_p50_s,
        quantile_cont(round_trip_time_s, 0.95) filter (where is_rtt_sample) as probe_rtt_p95_s,
        cast(sum(error_count) as bigint) as probe_error_count
    from probes
    group by day, orchestrator_address, region, job_type, pipeline, model
),

rates as (
    select
        *,
        probe_success_sum / probe_count as probe_success_rate,
        probe_rtt_sum_s / probe_count as probe_rtt_mean_s
    from daily
),

final as (
    select
        day,
        orchestrator_address,
        region,
        job_type,
        pipeline,
        model,
        probe_count,
        probe_success_sum,
        probe_success_rate,
        -- Wilson interval at 95 % (sql/macros.sql); transcoding successes are fractional, so there each
        -- probe is one trial weighted by its success fraction.
        wilson_low(probe_success_rate, probe_count) as probe_success_rate_ci_low,
        wilson_high(probe_success_rate, probe_count) as probe_success_rate_ci_high,
        probe_rtt_sum_s,
        probe_rtt_mean_s,
        probe_rtt_sample_count,
        probe_rtt_p50_s,
        probe_rtt_p95_s,
        probe_error_count
    from rates
)

select * from final
order by day, orchestrator_address, region, job_type, pipeline, model
