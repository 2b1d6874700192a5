-- Loads capability snapshot entries, offers, prices and hardware; makes one row per workflow an
-- orchestrator offered in a snapshot of the window, attributed to its on-chain address.
with entries as (
    select * from stg_network_capabilities
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

offers as (
    select * from stg_capability_offers
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

prices as (
    select event_id, entry_index, capability_id, model, min(price_wei_per_unit) as price_wei_per_unit
    from stg_capability_prices
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
        and price_wei_per_unit is not null
    group by event_id, entry_index, capability_id, model
),

gpus as (
    select event_id, entry_index, pipeline, model, count(distinct gpu_uuid) as gpus
    from stg_capability_hardware
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
    group by event_id, entry_index, pipeline, model
),

workflows as (
    select capability_id, model, pipeline from core_workflows
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

identified as (
    -- The entry's own address is the ticket recipient; an entry without one (no ticket params) is
    -- attributed through its service URI when another snapshot paired that URI with an address.
    select
        e.event_id,
        e.entry_index,
        e.gateway_host,
        coalesce(e.orchestrator_address, m.orchestrator_address) as orchestrator_address,
        e.orch_url_norm,
        e.node_version
    from entries as e
    left join uri_map as m using (orch_url_norm)
),

joined as (
    select
        o.event_id,
        o.entry_index,
        o.capability_id,
        o.model,
        o.event_ms,
        i.gateway_host,
        i.orchestrator_address,
        i.orch_url_norm,
        i.node_version,
        w.pipeline,
        o.idle_capacity,
        o.in_use_capacity,
        o.is_warm,
        p.price_wei_per_unit,
        coalesce(g.gpus, 0) as gpus
    from offers as o
    join identified as i using (event_id, entry_index)
    join workflows as w using (capability_id, model)
    left join prices as p using (event_id, entry_index, capability_id, model)
    left join gpus as g on g.event_id = o.event_id and g.entry_index = o.entry_index and g.pipeline = w.pipeline and g.model = o.model
),

classified as (
    -- go-livepeer counts live-video-to-video capacity in containers itself (GetLiveAICapacity), and
    -- a managed runner holds one GPU per container, so its capacity never exceeds the GPUs listed
    -- for the model (at least one when the node lists none). An external runner's capacity is
    -- whatever the operator configured (starter.go: "External containers do auto-scale"), e.g.
    -- 67542 on LLM nodes: concurrent requests, not GPU slots.
    select
        *,
        case
            when capability_id = 35 or idle_capacity + in_use_capacity <= greatest(gpus, 1) then 'gpu_slots'
            else 'declared'
        end as capacity_unit
    from joined
),

final as (
    select
        event_id,
        entry_index,
        capability_id,
        model,
        event_ms,
        date_trunc('hour', make_timestamp(event_ms * 1000)) as hour,
        gateway_host,
        orchestrator_address,
        orch_url_norm,
        node_version,
        pipeline,
        capacity_unit,
        case when capacity_unit = 'gpu_slots' then idle_capacity else 0 end as idle_slots,
        case when capacity_unit = 'gpu_slots' then in_use_capacity else 0 end as in_use_slots,
        case when capacity_unit = 'gpu_slots' then idle_capacity + in_use_capacity else 0 end as total_slots,
        case when capacity_unit = 'declared' then idle_capacity + in_use_capacity else 0 end as declared_capacity,
        is_warm,
        price_wei_per_unit,
        gpus
    from classified
)

select * from final
order by event_ms, event_id, entry_index, capability_id, model
