-- Loads raw network_capabilities snapshots; makes one row per GPU listed under each hardware entry
-- (pipeline and model) of an orchestrator entry.
with source as (
    select json from raw_gateway_events_network_capabilities
),

snapshots as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as event_ms,
        cast(json -> '$.data' as json[]) as entries
    from source
),

entries as (
    select
        event_id,
        event_ms,
        unnest(entries) as entry,
        unnest(range(len(entries))) as entry_index
    from snapshots
),

hardware_lists as (
    select
        event_id,
        event_ms,
        entry_index,
        cast(entry -> '$.hardware' as json[]) as hardware
    from entries
    -- hardware is null on nodes that do not report it (§2.9).
    where json_type(entry -> '$.hardware') = 'ARRAY'
),

hardware as (
    select
        event_id,
        event_ms,
        entry_index,
        unnest(hardware) as item,
        unnest(range(len(hardware))) as hardware_index
    from hardware_lists
),

gpus as (
    select
        event_id,
        event_ms,
        entry_index,
        hardware_index,
        item ->> 'pipeline' as pipeline,
        item ->> 'model_id' as model,
        g.key as gpu_key,
        g.value as gpu
    from hardware, json_each(item -> '$.gpu_info') as g
    where json_type(item -> '$.gpu_info') = 'OBJECT'
),

final as (
    select
        event_id,
        cast(entry_index as integer) as entry_index,
        cast(hardware_index as integer) as hardware_index,
        gpu_key as gpu_slot,
        event_ms,
        coalesce(pipeline, '') as pipeline,
        coalesce(model, '') as model,
        nullif(gpu ->> 'id', '') as gpu_uuid,
        nullif(gpu ->> 'name', '') as gpu_model,
        try_cast(gpu ->> 'major' as integer) as compute_major,
        try_cast(gpu ->> 'minor' as integer) as compute_minor,
        try_cast(gpu ->> 'memory_total' as bigint) as memory_total_bytes,
        try_cast(gpu ->> 'memory_free' as bigint) as memory_free_bytes
    from gpus
)

select * from final
order by event_ms, event_id, entry_index, hardware_index, gpu_slot
