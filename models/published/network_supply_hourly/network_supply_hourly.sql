-- Loads hourly node supply facts; makes network supply per hour and workflow: orchestrators, warm
-- orchestrators, GPUs, idle, used and total GPU slots, declared capacity, utilisation and prices.
with nodes as (
    select * from core_supply_offers_hourly
),

final as (
    select
        hour,
        pipeline,
        model,
        count(distinct orchestrator_address) as orchestrators_seen,
        count(distinct orchestrator_address) filter (where is_warm) as warm_orchestrators,
        count(*) filter (where orchestrator_address is null) as unattributed_nodes,
        cast(sum(gpus) as bigint) as gpus_advertised,
        cast(sum(idle_slots) as bigint) as idle_slots,
        cast(sum(in_use_slots) as bigint) as in_use_slots,
        cast(sum(total_slots) as bigint) as total_slots,
        cast(sum(declared_capacity) as bigint) as declared_capacity,
        cast(sum(offer_snapshots) as bigint) as offer_snapshots,
        cast(sum(total_slot_samples) as bigint) as total_slot_samples,
        cast(sum(in_use_slot_samples) as bigint) as in_use_slot_samples,
        case when sum(total_slot_samples) > 0
            then cast(sum(in_use_slot_samples) as double) / cast(sum(total_slot_samples) as double)
        end as slot_utilisation,
        count(price_wei_per_unit) as price_samples,
        min(price_wei_per_unit) as price_min_wei_per_unit,
        quantile_cont(price_wei_per_unit, 0.5) as price_median_wei_per_unit,
        max(price_wei_per_unit) as price_max_wei_per_unit
    from nodes
    group by hour, pipeline, model
)

select * from final
order by hour, pipeline, model
