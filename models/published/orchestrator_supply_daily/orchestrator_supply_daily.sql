-- Loads hourly node supply facts, snapshot GPUs and discovery candidates; makes each orchestrator's
-- daily supply profile: workflows, GPUs, slots, utilisation, node version and discovery latency.
with nodes as (
    select *, cast(hour as date) as day from core_supply_offers_hourly
    where orchestrator_address is not null
),

gpus as (
    select *, cast(hour as date) as day from core_supply_gpus
    where orchestrator_address is not null
),

candidates as (
    select *, cast(hour as date) as day from core_discovery_candidates
),

ranked as (
    select
        *,
        row_number() over (
            partition by day, orchestrator_address, orch_url_norm, pipeline, model
            order by last_event_ms desc, hour desc
        ) as recency,
        row_number() over (
            partition by day, orchestrator_address
            order by last_event_ms desc, hour desc, orch_url_norm desc, pipeline desc, model desc
        ) as version_recency
    from nodes
),

offer_parts as (
    select
        day,
        orchestrator_address,
        cast(sum(offer_snapshots) as bigint) as offer_snapshots,
        cast(sum(capacity_slot_samples) as bigint) as capacity_slot_samples,
        cast(sum(capacity_in_use_slot_samples) as bigint) as capacity_in_use_slot_samples
    from nodes
    group by day, orchestrator_address
),

offer_state as (
    select
        day,
        orchestrator_address,
        count(distinct orch_url_norm) filter (where recency = 1) as nodes,
        case when count(distinct region) = 1 then min(region) else 'multiple' end as region,
        count(distinct (pipeline, model)) as workflows_offered,
        count(distinct (pipeline, model)) filter (where recency = 1 and is_warm) as warm_workflows,
        cast(sum(capacity_slots) filter (where recency = 1) as bigint) as capacity_slots,
        cast(sum(capacity_in_use_slots) filter (where recency = 1) as bigint) as capacity_in_use_slots,
        max(node_version) filter (where version_recency = 1) as node_version
    from ranked
    group by day, orchestrator_address
),

gpu_parts as (
    -- Distinct UUIDs over the day: each GPU once, with its memory; UUID churn inflates this.
    select
        day,
        orchestrator_address,
        count(*) as gpus_seen,
        cast(sum(memory_total_bytes) as bigint) as gpu_memory_bytes
    from (
        select day, orchestrator_address, gpu_uuid, max(memory_total_bytes) as memory_total_bytes
        from gpus
        group by day, orchestrator_address, gpu_uuid
    )
    group by day, orchestrator_address
),

discovery_parts as (
    select
        day,
        orchestrator_address,
        count(*) as discovery_candidacies,
        count(latency_ms) as discovery_latency_samples,
        cast(sum(latency_ms) as bigint) as discovery_latency_ms_sum,
        quantile_cont(latency_ms, 0.5) as p50_discovery_latency_ms,
        quantile_cont(latency_ms, 0.95) as p95_discovery_latency_ms
    from candidates
    group by day, orchestrator_address
),

keys as (
    select day, orchestrator_address from offer_parts
    union
    select day, orchestrator_address from gpu_parts
    union
    select day, orchestrator_address from discovery_parts
),

final as (
    select
        k.day,
        k.orchestrator_address,
        s.node_version,
        s.region,
        coalesce(s.nodes, 0) as nodes,
        coalesce(o.offer_snapshots, 0) as offer_snapshots,
        coalesce(s.workflows_offered, 0) as workflows_offered,
        coalesce(s.warm_workflows, 0) as warm_workflows,
        coalesce(g.gpus_seen, 0) as gpus_seen,
        coalesce(g.gpu_memory_bytes, 0) as gpu_memory_bytes,
        coalesce(s.capacity_slots, 0) as capacity_slots,
        coalesce(s.capacity_in_use_slots, 0) as capacity_in_use_slots,
        coalesce(o.capacity_slot_samples, 0) as capacity_slot_samples,
        coalesce(o.capacity_in_use_slot_samples, 0) as capacity_in_use_slot_samples,
        case when o.capacity_slot_samples > 0
            then cast(o.capacity_in_use_slot_samples as double) / cast(o.capacity_slot_samples as double)
        end as capacity_utilisation,
        coalesce(d.discovery_candidacies, 0) as discovery_candidacies,
        coalesce(d.discovery_latency_samples, 0) as discovery_latency_samples,
        d.discovery_latency_ms_sum,
        case when d.discovery_latency_samples > 0
            then cast(d.discovery_latency_ms_sum as double) / cast(d.discovery_latency_samples as double)
        end as avg_discovery_latency_ms,
        d.p50_discovery_latency_ms,
        d.p95_discovery_latency_ms
    from keys as k
    left join offer_parts as o
        on o.day = k.day and o.orchestrator_address is not distinct from k.orchestrator_address
    left join offer_state as s
        on s.day = k.day and s.orchestrator_address is not distinct from k.orchestrator_address
    left join gpu_parts as g
        on g.day = k.day and g.orchestrator_address is not distinct from k.orchestrator_address
    left join discovery_parts as d
        on d.day = k.day and d.orchestrator_address is not distinct from k.orchestrator_address
)

select * from final
order by day, orchestrator_address nulls last
