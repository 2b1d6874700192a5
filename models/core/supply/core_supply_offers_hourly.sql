-- Loads snapshot offers; makes hourly supply facts per orchestrator node and workflow: additive slot
-- samples over every snapshot, and the state the node's last snapshot of the hour reported.
with offers as (
    select * from core_supply_offers
),

regions as (
    select host_key as orch_url_norm, region from core_host_regions
    where host_kind = 'orchestrator'
),

ranked as (
    -- Several hosts can share one on-chain address, each with its own service URI; the node (address
    -- + URI) is the unit whose last report describes it.
    select
        *,
        row_number() over (
            partition by hour, orchestrator_address, orch_url_norm, pipeline, model
            order by event_ms desc, event_id desc, entry_index desc
        ) as recency
    from offers
),

sums as (
    select
        hour,
        orchestrator_address,
        orch_url_norm,
        pipeline,
        model,
        count(*) as offer_snapshots,
        count(*) filter (where is_warm) as warm_snapshots,
        cast(sum(total_slots) as bigint) as total_slot_samples,
        cast(sum(in_use_slots) as bigint) as in_use_slot_samples
    from offers
    group by all
),

last_state as (
    select
        hour,
        orchestrator_address,
        orch_url_norm,
        pipeline,
        model,
        event_ms as last_event_ms,
        idle_slots,
        in_use_slots,
        total_slots,
        declared_capacity,
        is_warm,
        price_wei_per_unit,
        gpus,
        node_version
    from ranked
    where recency = 1
),

final as (
    select
        s.hour,
        s.orchestrator_address,
        s.orch_url_norm,
        s.pipeline,
        s.model,
        coalesce(r.region, 'unknown') as region,
        s.offer_snapshots,
        s.warm_snapshots,
        s.total_slot_samples,
        s.in_use_slot_samples,
        l.last_event_ms,
        l.idle_slots,
        l.in_use_slots,
        l.total_slots,
        l.declared_capacity,
        l.is_warm,
        l.price_wei_per_unit,
        l.gpus,
        l.node_version
    from sums as s
    join last_state as l
        on l.hour = s.hour
        and l.orchestrator_address is not distinct from s.orchestrator_address
        and l.orch_url_norm is not distinct from s.orch_url_norm
        and l.pipeline = s.pipeline
        and l.model = s.model
    left join regions as r on r.orch_url_norm = s.orch_url_norm
)

select * from final
order by hour, orchestrator_address nulls last, orch_url_norm nulls last, pipeline, model
