-- Loads the envelopes of every kept gateway event; makes hourly event counts per family and family
-- status, so families no model reads and undocumented types are visible, not silently stored.
with envelopes as (
    select * from stg_gateway_event_families
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

final as (
    select
        date_trunc('hour', make_timestamp(event_ms * 1000)) as hour,
        family,
        family_status,
        count(*) as kept_events,
        count(distinct gateway_host) as gateway_hosts
    from envelopes
    group by all
)

select * from final
order by hour, family_status, family
