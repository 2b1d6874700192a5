-- Loads the hourly live-session parts; makes startup success per orchestrator, workflow and request
-- hour, with the numerator and denominator beside the rate so any rollup can be recomputed.
with hourly as (
    select * from core_live_orchestrator_hourly
    where requested_sessions > 0
        and hour >= getvariable('window_from')
        and hour < getvariable('window_to')
),

-- This dataset predates the region dimension: regions are summed away.
by_workflow as (
    select
        hour,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        sum(requested_sessions)::bigint as requested_sessions,
        sum(startup_success_sessions)::bigint as startup_success_sessions
    from hourly
    group by all
),

final as (
    select
        hour,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        requested_sessions,
        startup_success_sessions,
        case when requested_sessions > 0 then startup_success_sessions / requested_sessions end as startup_success_rate
    from by_workflow
)

select * from final
order by hour, orchestrator_address nulls last, attribution_status, pipeline, model
