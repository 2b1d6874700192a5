-- Loads raw network_capabilities snapshots; makes one row per orchestrator entry in each snapshot.
with source as (
    select json from raw_gateway_events_network_capabilities
),

entries as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as event_ms,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        unnest(range(cast(json_array_length(json -> '$.data') as bigint))) as entry_index,
        json -> '$.data' as entries
    from source
),

final as (
    select
        event_id,
        cast(entry_index as integer) as entry_index,
        event_ms,
        gateway_host,
        nullif(lower(entries -> entry_index ->> 'address'), '') as orchestrator_address,
        nullif(lower(entries -> entry_index ->> 'local_address'), '') as node_address,
        nullif(lower(entries -> entry_index ->> 'orch_uri'), '') as orch_url_norm,
        entries -> entry_index -> 'capabilities' ->> 'version' as node_version
    from entries
)

select * from final
order by event_ms, event_id, entry_index
