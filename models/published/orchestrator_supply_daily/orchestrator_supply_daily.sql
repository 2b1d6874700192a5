-- Loads snapshot entries, hourly node supply facts, snapshot GPUs and discovery candidates; makes each
-- orchestrator's daily supply profile: transcoding offer and price, AI workflows, GPUs, slots,
-- declared capacity, utilisation, node version and discovery latency.
with entries as (
    select *, cast(hour as date) as day from core_supply_nodes
    where orchestrator_address is not null
),

nodes as (
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

regions as (
    select host_key as orch_url_norm, region from core_host_regions
    where host_kind = 'orchestrator'
),

entries_ranked as (
    -- Every entry counts, AI or transcoding-only: a node's last entry of the day is its state.
    select
        *,
        row_number() over (
            partition by day, orchestrator_address, orch_url_norm
            order by event_ms desc, event_id desc, entry_index desc
        ) as node_recency,
        row_number() over (
            partition by day, orchestrator_address
            order by event_ms desc, event_id desc, entry_index desc
        ) as version_recency
    from entries
),

entry_state as (
    select
        e.day,
        e.orchestrator_address,
        count(*) as snapshots,
        count(distinct e.orch_url_norm) as nodes,
        case when count(distinct coalesce(r.region, 'unknown')) = 1 then min(coalesce(r.region, 'unknown')) else 'multiple' end as region,
        max(e.node_version) filter (where e.version_recency = 1) as node_version,
        bool_or(e.offers_transcoding) filter (where e.node_recency = 1) as offers_transcoding,
        cast(sum(e.transcoding_capacity) filter (where e.node_recency = 1) as bigint) as transcoding_capacity,
        min(e.transcoding_price_wei_per_pixel) filter (where e.node_recency = 1) as transcoding_price_wei_per_pixel
    from entries_ranked as e
    left join regions as r using (orch_url_norm)
    group by e.day, e.orchestrator_address
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

offer_parts as (
    select
        day,
        orchestrator_address,
        cast(sum(offer_snapshots) as bigint) as offer_snapshots,
        cast(sum(total_slot_samples) as bigint) as total_slot_samples,
        cast(sum(in_use_slot_samples) as bigint) as in_use_slot_samples
    from nodes
    group by day, orchestrator_address
),

offer_state as (
    select
        day,
        orchestrator_address,
        count(distinct (pipeline, model)) as workflows_offered,
        count(distinct (pipeline, model)) filter (where recency = 1 and is_warm) as warm_workflows,
        cast(sum(idle_slots) filter (where recency = 1) as bigint) as idle_slots,
        cast(sum(in_use_slots) filter (where recency = 1) as bigint) as in_use_slots,
        cast(sum(total_slots) filter (where recency = 1) as bigint) as total_slots,
        cast(sum(declared_capacity) filter (where recency = 1) as bigint) as declared_capacity
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
    -- Every orchestrator in a snapshot (offers and GPUs come from the same entries).
    select day, orchestrator_address from entry_state
    union
    select day, orchestrator_address from discovery_parts
),

final as (
    select
        k.day,
        k.orchestrator_address,
        n.node_version,
        n.region,
        coalesce(n.nodes, 0) as nodes,
        coalesce(n.snapshots, 0) as snapshots,
        n.offers_transcoding,
        n.transcoding_capacity,
        n.transcoding_price_wei_per_pixel,
        coalesce(o.offer_snapshots, 0) as offer_snapshots,
        coalesce(s.workflows_offered, 0) as workflows_offered,
        coalesce(s.warm_workflows, 0) as warm_workflows,
        coalesce(g.gpus_seen, 0) as gpus_seen,
        coalesce(g.gpu_memory_bytes, 0) as gpu_memory_bytes,
        coalesce(s.idle_slots, 0) as idle_slots,
        coalesce(s.in_use_slots, 0) as in_use_slots,
        coalesce(s.total_slots, 0) as total_slots,
        coalesce(s.declared_capacity, 0) as declared_capacity,
        coalesce(o.total_slot_samples, 0) as total_slot_samples,
        coalesce(o.in_use_slot_samples, 0) as in_use_slot_samples,
        case when o.total_slot_samples > 0
            then cast(o.in_use_slot_samples as double) / cast(o.total_slot_samples as double)
        end as slot_utilisation,
        coalesce(d.discovery_candidacies, 0) as discovery_candidacies,
        coalesce(d.discovery_latency_samples, 0) as discovery_latency_samples,
        d.discovery_latency_ms_sum,
        case when d.discovery_latency_samples > 0
            then cast(d.discovery_latency_ms_sum as double) / cast(d.discovery_latency_samples as double)
        end as avg_discovery_latency_ms,
        d.p50_discovery_latency_ms,
        d.p95_discovery_latency_ms
    from keys as k
    left join entry_state as n
        on n.day = k.day and n.orchestrator_address is not distinct from k.orchestrator_address
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
