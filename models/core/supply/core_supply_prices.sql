-- Loads capability snapshot entries and their AI prices; makes one row per price an orchestrator
-- entry advertised in a snapshot of the window: the transcoding price and every capabilities_prices
-- entry, with or without a matching offer (BYOC capabilities are only priced).
with nodes as (
    select event_id, entry_index, event_ms, hour, orchestrator_address, orch_url_norm from core_supply_nodes
),

transcoding as (
    select event_id, entry_index, transcoding_price_per_unit_wei as price_per_unit_wei, transcoding_pixels_per_unit as pixels_per_unit
    from stg_network_capabilities
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
        and transcoding_price_per_unit_wei is not null
),

ai as (
    select event_id, entry_index, price_index, capability_id, model, price_per_unit_wei, pixels_per_unit
    from stg_capability_prices
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

workflows as (
    select capability_id, model, pipeline from core_workflows
),

prices as (
    select
        event_id,
        entry_index,
        'transcoding' as price_kind,
        0 as price_index,
        cast(null as integer) as capability_id,
        'transcoding' as pipeline,
        '' as model,
        price_per_unit_wei,
        pixels_per_unit
    from transcoding
    union all
    select
        a.event_id,
        a.entry_index,
        'capability' as price_kind,
        a.price_index,
        a.capability_id,
        -- A capability id that does not parse has no catalogue entry; it is kept, named unknown.
        coalesce(w.pipeline, 'unknown') as pipeline,
        a.model,
        a.price_per_unit_wei,
        a.pixels_per_unit
    from ai as a
    left join workflows as w using (capability_id, model)
),

final as (
    select
        p.event_id,
        p.entry_index,
        p.price_kind,
        cast(p.price_index as integer) as price_index,
        n.event_ms,
        n.hour,
        n.orchestrator_address,
        n.orch_url_norm,
        p.capability_id,
        p.pipeline,
        p.model,
        p.price_per_unit_wei,
        p.pixels_per_unit,
        case when p.pixels_per_unit > 0 then cast(p.price_per_unit_wei as double) / cast(p.pixels_per_unit as double) end as price_wei_per_unit,
        -- pricePerUnit is wei per pixelsPerUnit units: pixels for transcoding and live video, the
        -- pipeline's unit for batch AI, seconds of compute for BYOC (byoc/job_orchestrator.go).
        -- By capability id, not slug: BYOC nodes may report their capability name as a hardware
        -- pipeline, which then names the workflow.
        case
            when p.price_kind = 'transcoding' or p.capability_id = 35 then 'pixel'
            when p.capability_id = 37 then 'second'
            else 'pipeline unit'
        end as price_unit
    from prices as p
    join nodes as n using (event_id, entry_index)
)

select * from final
order by event_ms, event_id, entry_index, price_kind desc, price_index
