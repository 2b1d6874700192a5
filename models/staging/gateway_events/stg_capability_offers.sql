-- Loads raw network_capabilities snapshots; makes one row per capability and model an orchestrator
-- entry offers (constraints.PerCapability), with its idle and in-use capacity and warm flag.
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

per_capability as (
    select
        event_id,
        event_ms,
        entry_index,
        entry -> '$.capabilities.constraints.PerCapability' as per_capability
    from entries
    where json_type(entry -> '$.capabilities.constraints.PerCapability') = 'OBJECT'
),

capabilities as (
    select
        event_id,
        event_ms,
        entry_index,
        -- json_each walks the object's keys as data, so model ids containing '/' or '.' stay whole.
        c.key as capability_key,
        c.value -> '$.models' as models
    from per_capability, json_each(per_capability) as c
),

models as (
    select
        event_id,
        event_ms,
        entry_index,
        capability_key,
        m.key as model,
        m.value as constraint_json
    from capabilities, json_each(models) as m
    where json_type(models) = 'OBJECT'
),

final as (
    select
        event_id,
        cast(entry_index as integer) as entry_index,
        try_cast(capability_key as integer) as capability_id,
        model,
        event_ms,
        -- The fields are tagged omitempty, so an absent key means 0 / false (§2.9). go-livepeer sends
        -- what is idle in capacity, not the total: core/ai.go ReserveAICapability decrements it per
        -- job, server/rpc.go setLiveAICapacity sets it to the idle live containers and capacityInUse
        -- to the busy ones. A fully busy node sends capacityInUse alone.
        coalesce(try_cast(constraint_json ->> 'capacity' as bigint), 0) as idle_capacity,
        coalesce(try_cast(constraint_json ->> 'capacityInUse' as bigint), 0) as in_use_capacity,
        coalesce(try_cast(constraint_json ->> 'warm' as boolean), false) as is_warm,
        constraint_json ->> 'runnerVersion' as runner_version
    from models
)

select * from final
order by event_ms, event_id, entry_index, capability_id, model
