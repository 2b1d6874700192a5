-- Loads health flags; makes the released health flags of the window's days.
with flags as (
    select * from core_live_health_flags
    where day >= cast(make_timestamp(getvariable('window_from_ms') * 1000) as date)
        and day < cast(make_timestamp(getvariable('window_to_ms') * 1000) as date)
),

final as (
    select * from flags
)

select * from final
order by day, orchestrator_address nulls last, attribution_status, region, pipeline, model, metric
