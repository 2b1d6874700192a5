-- Loads raw network_capabilities snapshots; makes one row per AI price an orchestrator entry lists
-- (capabilities_prices), with the price per unit in wei.
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

price_lists as (
    select
        event_id,
        event_ms,
        entry_index,
        cast(entry -> '$.capabilities_prices' as json[]) as prices
    from entries
    -- capabilities_prices is null or absent on nodes without AI prices (§2.9).
    where json_type(entry -> '$.capabilities_prices') = 'ARRAY'
),

prices as (
    select
        event_id,
        event_ms,
        entry_index,
        unnest(prices) as price,
        unnest(range(len(prices))) as price_index
    from price_lists
),

typed as (
    select
        event_id,
        cast(entry_index as integer) as entry_index,
        cast(price_index as integer) as price_index,
        event_ms,
        try_cast(price ->> 'capability' as integer) as capability_id,
        coalesce(price ->> 'constraint', '') as model,
        -- omitempty: an absent pricePerUnit is a price of 0.
        coalesce(try_cast(price ->> 'pricePerUnit' as decimal(38, 0)), 0) as price_per_unit_wei,
        -- omitempty: an absent pixelsPerUnit is 0, which leaves the price undefined, not free.
        coalesce(try_cast(price ->> 'pixelsPerUnit' as decimal(38, 0)), 0) as pixels_per_unit
    from prices
),

final as (
    select
        *,
        case when pixels_per_unit > 0 then cast(price_per_unit_wei as double) / cast(pixels_per_unit as double) end as price_wei_per_unit
    from typed
)

select * from final
order by event_ms, event_id, entry_index, price_index
