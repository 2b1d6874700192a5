-- Loads the scored live-session periods; makes the hourly dataset: every session, FPS and SLA metric
-- per orchestrator, region and workflow for each UTC hour of the window.
with scores as (
    select * from core_live_orchestrator_scores
    where grain = 'hour'
),

final as (
    select
        period_start as hour,
        * exclude (grain, period_start)
    from scores
)

select * from final
order by hour, orchestrator_address nulls last, attribution_status, region, pipeline, model
