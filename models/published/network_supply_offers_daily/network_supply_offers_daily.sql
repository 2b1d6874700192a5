-- Loads hourly node supply facts; makes each orchestrator's daily offer per workflow: slots, use,
-- utilisation, declared capacity, GPUs and price, summed over its nodes as their last report of the
-- day states them.
with nodes as (
    select *, cast(hour as date) as day from core_supply_offers_hourly
    where orchestrator_address is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by day, orchestrator_address, orch_url_norm, pipeline, model
            order by last_event_ms desc, hour desc
        ) as recency
    from nodes
),

sums as (
    select
        day,
        orchestrator_address,
        pipeline,
        model,
        cast(sum(offer_snapshots) as bigint) as offer_snapshots,
        cast(sum(warm_snapshots) as bigint) as warm_snapshots,
        cast(sum(total_slot_samples) as bigint) as total_slot_samples,
        cast(sum(in_use_slot_samples) as bigint) as in_use_slot_samples
    from nodes
    group by day, orchestrator_address, pipeline, model
),

last_state as (
    -- A node's last report of the day; an address with several nodes adds their slots and GPUs
    -- and is as cheap as its cheapest node.
    select
        day,
        orchestrator_address,
        pipeline,
        model,
        count(*) as nodes,
        case when count(distinct region) = 1 then min(region) else 'multiple' end as region,
        cast(sum(idle_slots) as bigint) as idle_slots,
        cast(sum(in_use_slots) as bigint) as in_use_slots,
        cast(sum(total_slots) as bigint) as total_slots,
        cast(sum(declared_capacity) as bigint) as declared_capacity,
        cast(sum(gpus) as bigint) as gpus_advertised,
        bool_or(is_warm) as is_warm,
        min(price_wei_per_unit) as price_wei_per_unit
    from ranked
    where recency = 1
    group by day, orchestrator_address, pipeline, model
),

final as (
    select
        s.day,
        s.orchestrator_address,
        s.pipeline,
        s.model,
        l.region,
        l.nodes,
        l.is_warm,
        s.offer_snapshots,
        s.warm_snapshots,
        l.gpus_advertised,
        l.idle_slots,
        l.in_use_slots,
        l.total_slots,
        l.declared_capacity,
        s.total_slot_samples,
        s.in_use_slot_samples,
        case when s.total_slot_samples > 0
            then cast(s.in_use_slot_samples as double) / cast(s.total_slot_samples as double)
        end as slot_utilisation,
        l.price_wei_per_unit
    from sums as s
    join last_state as l using (day, orchestrator_address, pipeline, model)
)

select * from final
order by day, orchestrator_address, pipeline, model
