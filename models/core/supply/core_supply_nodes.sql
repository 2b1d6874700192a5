-- Loads capability snapshot entries; makes one row per orchestrator entry of a snapshot in the window,
-- AI or transcoding-only, attributed to its on-chain address, with its transcoding offer and price.
with entries as (
    select * from stg_network_capabilities
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

final as (
    select
        e.event_id,
        e.entry_index,
        e.event_ms,
        date_trunc('hour', make_timestamp(e.event_ms * 1000)) as hour,
        e.gateway_host,
        -- As in core_supply_offers: the entry's ticket recipient, else the address its URI maps to.
        coalesce(e.orchestrator_address, m.orchestrator_address) as orchestrator_address,
        e.orch_url_norm,
        e.node_version,
        e.has_ai_constraints,
        e.offers_transcoding,
        e.transcoding_capacity,
        case when e.transcoding_pixels_per_unit > 0
            then cast(e.transcoding_price_per_unit_wei as double) / cast(e.transcoding_pixels_per_unit as double)
        end as transcoding_price_wei_per_pixel
    from entries as e
    left join uri_map as m using (orch_url_norm)
)

select * from final
order by event_ms, event_id, entry_index
