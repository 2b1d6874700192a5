-- Loads daily live scores and the registry's thresholds; makes a health flag per orchestrator,
-- workflow, region, day and thresholded metric (insufficient_data where there is no value).
with scores as (
    select * from core_live_orchestrator_scores
    where grain = 'day'
),

wide as (
    select
        period_start,
        orchestrator_address,
        attribution_status,
        region,
        pipeline,
        model,
        columns(c -> c not in ('grain', 'period_start', 'orchestrator_address', 'attribution_status', 'region', 'pipeline', 'model', 'sla_evidence'))::double
    from scores
),

long as (
    select *
    from wide
    unpivot include nulls (
        value for metric in (columns(* exclude (period_start, orchestrator_address, attribution_status, region, pipeline, model)))
    )
),

flagged as (
    select
        l.*,
        t.direction,
        t.healthy,
        t.degraded,
        case
            when l.value is null then 'insufficient_data'
            when t.direction = 'lower_is_better' and l.value <= t.healthy then 'healthy'
            when t.direction = 'lower_is_better' and l.value <= t.degraded then 'degraded'
            when t.direction = 'lower_is_better' then 'unhealthy'
            when l.value >= t.healthy then 'healthy'
            when l.value >= t.degraded then 'degraded'
            else 'unhealthy'
        end as health
    from long as l
    join registry_thresholds as t using (metric)
),

final as (
    select
        cast(period_start as date) as day,
        orchestrator_address,
        attribution_status,
        region,
        pipeline,
        model,
        metric,
        value,
        direction,
        healthy as healthy_threshold,
        degraded as degraded_threshold,
        health
    from flagged
)

select * from final
order by day, orchestrator_address nulls last, attribution_status, region, pipeline, model, metric
