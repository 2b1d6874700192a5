-- Loads raw network_capabilities snapshots; makes one row per orchestrator entry in each snapshot,
-- with its identities, version, whether it has AI constraints, and its transcoding offer and price.
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
        entry -> 'capabilities' ->> 'version' as node_version,
        -- An empty PerCapability is dropped by omitempty: transcoding-only nodes have none.
        coalesce(json_type(entry -> '$.capabilities.constraints.PerCapability') = 'OBJECT', false) as has_ai_constraints,
        -- Capability 0 (H.264) is bit 0 of the first bitstring word (core/capabilities.go).
        coalesce(try_cast(entry -> '$.capabilities.bitstring' ->> 0 as ubigint) % 2 = 1, false) as offers_transcoding,
        -- capacities[0]: 1 for the orchestrator plus 1 per remote transcoder offering H.264
        -- (core.NewCapabilities, Capabilities.AddCapacity); NULL when not sent.
        try_cast(entry -> '$.capabilities.capacities' ->> '0' as bigint) as transcoding_capacity,
        -- price_info is the transcoding price; null when the node sets none (§2.9). Its fields are
        -- omitempty, so inside a sent price_info an absent pricePerUnit is a price of 0.
        case when json_type(entry -> '$.price_info') = 'OBJECT'
            then coalesce(try_cast(entry -> '$.price_info' ->> 'pricePerUnit' as decimal(38, 0)), 0)
        end as transcoding_price_per_unit_wei,
        coalesce(try_cast(entry -> '$.price_info' ->> 'pixelsPerUnit' as decimal(38, 0)), 0) as transcoding_pixels_per_unit
    from entries
)

select * from final
order by event_ms, event_id, entry_index
