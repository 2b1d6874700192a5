-- Loads raw network_capabilities snapshots; makes one row per orchestrator entry in each snapshot.
with source as (
    select json from raw_gateway_events_network_capabilities
),

snapshots as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as event_ms,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        -- One list element per orchestrator entry; unnesting the list (not indexing the array
        -- per row) keeps memory linear in the snapshot size.
        cast(json -> '$.data' as json[]) as entries
    from source
),

entries as (
    select
        event_id,
        event_ms,
        gateway_host,
        unnest(entries) as entry,
        unnest(range(len(entries))) as entry_index
    from snapshots
),

final as (
    select
        event_id,
        cast(entry_index as integer) as entry_index,
        event_ms,
        gateway_host,
        nullif(lower(entry ->> 'address'), '') as orchestrator_address,
        nullif(lower(entry ->> 'local_address'), '') as node_address,
        nullif(lower(entry ->> 'orch_uri'), '') as orch_url_norm,
        entry -> 'capabilities' ->> 'version' as node_version
    from entries
)

select * from final
order by event_ms, event_id, entry_index
