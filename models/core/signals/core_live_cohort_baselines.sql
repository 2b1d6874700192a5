-- Loads daily live scores; makes the cohort baselines (orchestrators of the same pipeline, model and
-- region on the same day) and each orchestrator's position against them.
with days as (
    select * from core_live_orchestrator_scores
    where grain = 'day' and attribution_status = 'resolved'
),

cohorts as (
    select
        period_start,
        region,
        pipeline,
        model,
        count(*) as cohort_orchestrators,
        quantile_cont(startup_success_rate, 0.5) as cohort_p50_startup_success_rate,
        quantile_cont(sla_score, 0.5) as cohort_p50_sla_score,
        quantile_cont(avg_output_fps, 0.5) as cohort_p50_avg_output_fps,
        quantile_cont(avg_e2e_latency_ms, 0.5) as cohort_p50_avg_e2e_latency_ms
    from days
    group by all
),

ranked as (
    select
        d.period_start,
        d.orchestrator_address,
        d.region,
        d.pipeline,
        d.model,
        d.requested_sessions,
        d.startup_success_rate,
        d.sla_score,
        d.avg_output_fps,
        d.avg_e2e_latency_ms,
        -- Share of the cohort this orchestrator does at least as well as (1 = best); NULL with no value.
        case when d.startup_success_rate is not null then cume_dist() over (partition by d.period_start, d.region, d.pipeline, d.model, d.startup_success_rate is null order by d.startup_success_rate) end as startup_success_rate_position,
        case when d.sla_score is not null then cume_dist() over (partition by d.period_start, d.region, d.pipeline, d.model, d.sla_score is null order by d.sla_score) end as sla_score_position,
        case when d.avg_output_fps is not null then cume_dist() over (partition by d.period_start, d.region, d.pipeline, d.model, d.avg_output_fps is null order by d.avg_output_fps) end as avg_output_fps_position,
        case when d.avg_e2e_latency_ms is not null then cume_dist() over (partition by d.period_start, d.region, d.pipeline, d.model, d.avg_e2e_latency_ms is null order by d.avg_e2e_latency_ms desc) end as avg_e2e_latency_ms_position
    from days as d
),

final as (
    select
        r.*,
        c.cohort_orchestrators,
        c.cohort_p50_startup_success_rate,
        c.cohort_p50_sla_score,
        c.cohort_p50_avg_output_fps,
        c.cohort_p50_avg_e2e_latency_ms
    from ranked as r
    join cohorts as c using (period_start, region, pipeline, model)
)

select * from final
order by period_start, region, pipeline, model, orchestrator_address
