-- Loads the hourly parts, the status samples and the cohort benchmarks; makes every live-session
-- metric per hour and per day of the window, days summed from hours, with NaaP's SLA score (§12.1).
with hourly as (
    select * from core_live_orchestrator_hourly
    where hour >= getvariable('window_from') and hour < getvariable('window_to')
),

samples as (
    select * from core_live_status_samples
    where not is_terminal_tail
        and hour >= getvariable('window_from') and hour < getvariable('window_to')
),

benchmarks as (
    select * from core_live_sla_benchmarks
),

-- Days are the sums of their hours: ratios and scores are recomputed from these parts, never averaged.
periods as (
    select 'hour' as grain, hour as period_start, * exclude (hour) from hourly
    union all
    select
        'day' as grain,
        date_trunc('day', hour) as period_start,
        orchestrator_address, attribution_status, region, pipeline, model,
        -- Every part in the hourly model's column order: the integer counts and sums, then the fps sums.
        sum(columns(lambda c: c not in ('hour', 'orchestrator_address', 'attribution_status', 'region', 'pipeline', 'model', 'output_fps_sum', 'output_fps_sq_sum')))::bigint,
        -- Back to exact decimals for the sum, so a day's bytes do not depend on the order of its hours.
        sum(output_fps_sum::decimal(38, 6))::double,
        sum(output_fps_sq_sum::decimal(38, 6))::double
    from hourly
    group by date_trunc('day', hour), orchestrator_address, attribution_status, region, pipeline, model
),

-- A percentile is not additive: the day's p95 is taken over the day's samples.
fps_percentiles as (
    select 'hour' as grain, hour as period_start, orchestrator_address, attribution_status, region, pipeline, model,
        quantile_cont(output_fps, 0.95) as p95_output_fps
    from samples
    group by all
    union all
    select 'day', date_trunc('day', hour), orchestrator_address, attribution_status, region, pipeline, model,
        quantile_cont(output_fps, 0.95)
    from samples
    group by all
),

measured as (
    select
        p.*,
        f.p95_output_fps,
        p.no_orch_sessions + p.excusable_error_sessions as startup_excused_sessions,
        case when p.requested_sessions > 0 then p.startup_success_sessions / p.requested_sessions end as startup_success_rate,
        case when p.requested_sessions > 0 then 1 - p.effective_failed_sessions / p.requested_sessions end as effective_success_rate,
        case when p.requested_sessions > 0 then 1 - p.output_failed_sessions / p.requested_sessions end as output_viability_rate,
        case when p.requested_sessions > 0 then p.swapped_sessions / p.requested_sessions end as swap_rate,
        case when p.requested_sessions > 0 then 1 - p.swapped_sessions / p.requested_sessions end as no_swap_rate,
        case when p.startup_latency_count > 0 then p.startup_latency_sum_ms / p.startup_latency_count end as avg_startup_latency_ms,
        case when p.e2e_latency_count > 0 then p.e2e_latency_sum_ms / p.e2e_latency_count end as avg_e2e_latency_ms,
        case when p.prompt_to_first_frame_count > 0 then p.prompt_to_first_frame_sum_ms / p.prompt_to_first_frame_count end as avg_prompt_to_first_frame_ms,
        case when p.status_samples > 0 then p.output_fps_sum / p.status_samples end as avg_output_fps,
        case when p.sla_health_signals_expected > 0 then least(p.sla_health_signals / p.sla_health_signals_expected, 1) end as health_signal_coverage_ratio,
        -- The SLA compares its own anchor's averages with the benchmarks.
        case when p.sla_prompt_to_first_frame_count > 0 then p.sla_prompt_to_first_frame_sum_ms / p.sla_prompt_to_first_frame_count end as sla_avg_ptff_ms,
        case when p.sla_e2e_latency_count > 0 then p.sla_e2e_latency_sum_ms / p.sla_e2e_latency_count end as sla_avg_e2e_ms,
        b.ptff_p50_ms, b.ptff_p90_ms, coalesce(b.ptff_rows, 0) as ptff_rows,
        b.e2e_p50_ms, b.e2e_p90_ms, coalesce(b.e2e_rows, 0) as e2e_rows,
        b.fps_p10, b.fps_p50, coalesce(b.fps_rows, 0) as fps_rows
    from periods as p
    left join fps_percentiles as f
        on f.grain = p.grain
        and f.period_start = p.period_start
        and f.orchestrator_address is not distinct from p.orchestrator_address
        and f.attribution_status = p.attribution_status
        and f.region = p.region
        and f.pipeline = p.pipeline
        and f.model = p.model
    left join benchmarks as b
        on b.benchmark_day = cast(p.period_start as date)
        and b.pipeline = p.pipeline
        and b.model = p.model
),

-- Raw quality components (NaaP RULE-AGGREGATE-005): latency 1 at or below p50, 0 at or above p90;
-- FPS 1 at or above p50, 0 at or below p10; linear between; 0.5 without a value or a 48-row benchmark.
raw_scores as (
    select
        *,
        case
            when sla_avg_ptff_ms is null or ptff_rows < 48 then 0.5
            when ptff_p90_ms <= ptff_p50_ms then case when sla_avg_ptff_ms <= ptff_p50_ms then 1.0 else 0.0 end
            when sla_avg_ptff_ms <= ptff_p50_ms then 1.0
            when sla_avg_ptff_ms >= ptff_p90_ms then 0.0
            else 1 - (sla_avg_ptff_ms - ptff_p50_ms) / (ptff_p90_ms - ptff_p50_ms)
        end as ptff_raw,
        case
            when sla_avg_e2e_ms is null or e2e_rows < 48 then 0.5
            when e2e_p90_ms <= e2e_p50_ms then case when sla_avg_e2e_ms <= e2e_p50_ms then 1.0 else 0.0 end
            when sla_avg_e2e_ms <= e2e_p50_ms then 1.0
            when sla_avg_e2e_ms >= e2e_p90_ms then 0.0
            else 1 - (sla_avg_e2e_ms - e2e_p50_ms) / (e2e_p90_ms - e2e_p50_ms)
        end as e2e_raw,
        case
            when avg_output_fps is null or fps_rows < 48 then 0.5
            when fps_p50 <= fps_p10 then case when avg_output_fps >= fps_p50 then 1.0 else 0.0 end
            when avg_output_fps >= fps_p50 then 1.0
            when avg_output_fps <= fps_p10 then 0.0
            else (avg_output_fps - fps_p10) / (fps_p50 - fps_p10)
        end as fps_raw,
        -- How much of each raw component survives dampening toward 0.5 (sparse current evidence).
        least(sla_prompt_to_first_frame_count / 10, 1) as ptff_weight,
        least(sla_e2e_latency_count / 10, 1) as e2e_weight,
        least(status_samples / 30, 1) as fps_weight
    from measured
),

components as (
    select
        *,
        greatest(least(
            0.4 * (sla_startup_success_sessions / sla_requested_sessions)
            + 0.2 * (1 - sla_swapped_sessions / sla_requested_sessions)
            + 0.4 * (1 - sla_output_failed_sessions / sla_requested_sessions), 1), 0) as reliability_raw,
        greatest(least(0.5 + ptff_weight * (ptff_raw - 0.5), 1), 0) as ptff_dampened,
        greatest(least(0.5 + e2e_weight * (e2e_raw - 0.5), 1), 0) as e2e_dampened,
        greatest(least(0.5 + fps_weight * (fps_raw - 0.5), 1), 0) as fps_dampened,
        -- Share of the quality score that rests on benchmarked, undampened evidence.
        0.6 * (0.6 * ptff_weight * (sla_avg_ptff_ms is not null and ptff_rows >= 48)::integer
            + 0.4 * e2e_weight * (sla_avg_e2e_ms is not null and e2e_rows >= 48)::integer)
            + 0.4 * fps_weight * (avg_output_fps is not null and fps_rows >= 48)::integer as evidence_weight
    from raw_scores
),

scored as (
    select
        *,
        greatest(least(0.6 * ptff_dampened + 0.4 * e2e_dampened, 1), 0) as latency_dampened,
        greatest(least(0.6 * greatest(least(0.6 * ptff_dampened + 0.4 * e2e_dampened, 1), 0) + 0.4 * fps_dampened, 1), 0) as quality_dampened
    from components
),

final as (
    select
        grain,
        period_start,
        orchestrator_address,
        attribution_status,
        region,
        pipeline,
        model,
        requested_sessions,
        startup_success_sessions,
        startup_success_rate,
        wilson_low(startup_success_rate, requested_sessions) as startup_success_rate_ci_low,
        wilson_high(startup_success_rate, requested_sessions) as startup_success_rate_ci_high,
        startup_failed_sessions,
        startup_excused_sessions,
        no_orch_sessions,
        effective_failed_sessions,
        effective_success_rate,
        wilson_low(effective_success_rate, requested_sessions) as effective_success_rate_ci_low,
        wilson_high(effective_success_rate, requested_sessions) as effective_success_rate_ci_high,
        output_failed_sessions,
        output_viability_rate,
        wilson_low(output_viability_rate, requested_sessions) as output_viability_rate_ci_low,
        wilson_high(output_viability_rate, requested_sessions) as output_viability_rate_ci_high,
        loading_only_sessions,
        zero_output_fps_sessions,
        confirmed_swapped_sessions,
        inferred_swapped_sessions,
        swapped_sessions,
        swap_rate,
        wilson_low(swap_rate, requested_sessions) as swap_rate_ci_low,
        wilson_high(swap_rate, requested_sessions) as swap_rate_ci_high,
        no_swap_rate,
        wilson_low(no_swap_rate, requested_sessions) as no_swap_rate_ci_low,
        wilson_high(no_swap_rate, requested_sessions) as no_swap_rate_ci_high,
        startup_latency_sum_ms,
        startup_latency_count,
        avg_startup_latency_ms,
        e2e_latency_sum_ms,
        e2e_latency_count,
        avg_e2e_latency_ms,
        prompt_to_first_frame_sum_ms,
        prompt_to_first_frame_count,
        avg_prompt_to_first_frame_ms,
        status_samples,
        output_fps_sum,
        output_fps_sq_sum,
        avg_output_fps,
        p95_output_fps,
        -- Population standard deviation over mean, from the additive sums; NULL without a positive mean.
        case when avg_output_fps > 0 then sqrt(greatest(output_fps_sq_sum / status_samples - avg_output_fps * avg_output_fps, 0)) / avg_output_fps end as fps_jitter_coefficient,
        sla_requested_sessions,
        sla_startup_success_sessions,
        sla_swapped_sessions,
        sla_output_failed_sessions,
        sla_health_signals,
        sla_health_signals_expected,
        health_signal_coverage_ratio,
        sla_prompt_to_first_frame_sum_ms,
        sla_prompt_to_first_frame_count,
        sla_e2e_latency_sum_ms,
        sla_e2e_latency_count,
        ptff_p50_ms as benchmark_ptff_p50_ms,
        ptff_p90_ms as benchmark_ptff_p90_ms,
        ptff_rows as benchmark_ptff_rows,
        e2e_p50_ms as benchmark_e2e_p50_ms,
        e2e_p90_ms as benchmark_e2e_p90_ms,
        e2e_rows as benchmark_e2e_rows,
        fps_p10 as benchmark_fps_p10,
        fps_p50 as benchmark_fps_p50,
        fps_rows as benchmark_fps_rows,
        -- Insufficient data is explicit: no SLA session, no score and no components.
        case when sla_requested_sessions > 0 then reliability_raw end as reliability_score,
        case when sla_requested_sessions > 0 then ptff_dampened end as ptff_score,
        case when sla_requested_sessions > 0 then e2e_dampened end as e2e_score,
        case when sla_requested_sessions > 0 then fps_dampened end as fps_score,
        case when sla_requested_sessions > 0 then latency_dampened end as latency_score,
        case when sla_requested_sessions > 0 then quality_dampened end as quality_score,
        case when sla_requested_sessions > 0 then
            greatest(least(100 * coalesce(health_signal_coverage_ratio, 1) * (0.7 * reliability_raw + 0.3 * quality_dampened), 100), 0)
        end as sla_score,
        case when sla_requested_sessions > 0 then evidence_weight end as quality_evidence_weight,
        case
            when sla_requested_sessions = 0 then 'none'
            when evidence_weight < 0.5 then 'insufficient'
            when evidence_weight < 1 then 'partial'
            else 'sufficient'
        end as sla_evidence
    from scored
)

select * from final
order by grain, period_start, orchestrator_address nulls last, attribution_status, region, pipeline, model
