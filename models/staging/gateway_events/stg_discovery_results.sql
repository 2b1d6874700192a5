-- Loads raw discovery_results events; makes one row per orchestrator candidate of each selection,
-- with the GetOrchestrator round trip parsed from its string.
with source as (
    select json from raw_gateway_events_discovery_results
),

selections as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as event_ms,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        cast(json -> '$.data' as json[]) as candidates
    from source
),

candidates as (
    select
        event_id,
        event_ms,
        gateway_host,
        unnest(candidates) as candidate,
        unnest(range(len(candidates))) as candidate_index
    from selections
),

final as (
    select
        event_id,
        cast(candidate_index as integer) as candidate_index,
        event_ms,
        gateway_host,
        nullif(lower(candidate ->> 'address'), '') as node_address,
        nullif(lower(candidate ->> 'url'), '') as orch_url_norm,
        candidate ->> 'latency_ms' as latency_text,
        -- The producer formats a Go duration's milliseconds as a string of digits (§2.8).
        case when regexp_full_match(candidate ->> 'latency_ms', '[0-9]{1,12}') then cast(candidate ->> 'latency_ms' as bigint) end as latency_ms
    from candidates
)

select * from final
order by event_ms, event_id, candidate_index
