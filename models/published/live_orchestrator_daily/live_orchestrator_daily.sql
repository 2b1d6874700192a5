-- Loads the scored live-session periods; makes the daily dataset: every metric per orchestrator,
-- region and workflow for each UTC day of the window, recomputed from the day's summed hourly parts.
with scores as (
    select * from core_live_orchestrator_scores
    where grain = 'day'
),

final as (
    select
        cast(period_start as date) as day,
        * exclude (grain, period_start)
    from scores
)

select * from final
order by day, orchestrator_address nulls last, attribution_status, region, pipeline, model
