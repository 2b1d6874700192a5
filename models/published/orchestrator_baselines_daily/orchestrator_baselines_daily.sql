-- Loads cohort baselines; makes each orchestrator's day against its cohort (same pipeline, model and
-- region), for the window's days.
with baselines as (
    select * from core_live_cohort_baselines
    where period_start >= make_timestamp(getvariable('window_from_ms') * 1000)
        and period_start < make_timestamp(getvariable('window_to_ms') * 1000)
),

final as (
    select
        cast(period_start as date) as day,
        orchestrator_address,
        region,
        pipeline,
        model,
        requested_sessions,
        cohort_orchestrators,
        startup_success_rate,
        cohort_p50_startup_success_rate,
        startup_success_rate_position,
        sla_score,
        cohort_p50_sla_score,
        sla_score_position,
        avg_output_fps,
        cohort_p50_avg_output_fps,
        avg_output_fps_position,
        avg_e2e_latency_ms,
        cohort_p50_avg_e2e_latency_ms,
        avg_e2e_latency_ms_position
    from baselines
)

select * from final
order by day, region, pipeline, model, orchestrator_address
