-- Loads live sessions; makes startup success per orchestrator, workflow and request hour, with the
-- numerator and denominator beside the rate so any rollup can be recomputed.
with sessions as (
    select * from core_live_sessions
    where is_requested
        and requested_at_ms >= getvariable('window_from_ms')
        and requested_at_ms < getvariable('window_to_ms')
),

hourly as (
    select
        date_trunc('hour', make_timestamp(requested_at_ms * 1000)) as hour,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        count(*) as requested_sessions,
        count(*) filter (where is_startup_success) as startup_success_sessions
    from sessions
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
    from hourly
)

select * from final
order by hour, orchestrator_address nulls last, attribution_status, pipeline, model
