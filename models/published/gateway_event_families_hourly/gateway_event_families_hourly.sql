-- Loads hourly kept-event counts per gateway-event family; makes the published family report.
with families as (
    select * from core_gateway_event_families_hourly
),

final as (
    select
        hour,
        family,
        family_status,
        kept_events,
        gateway_hosts
    from families
)

select * from final
order by hour, family_status, family
