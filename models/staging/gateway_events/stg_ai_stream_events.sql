-- Loads raw ai_stream_events; makes one row per event with its kind, error message and orchestrator, never params.
with source as (
    select json from raw_gateway_events_ai_stream_events
),

final as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as envelope_ms,
        -- Gateway errors and params updates carry no payload time; the envelope dates them.
        coalesce(try_cast(json ->> '$.data.timestamp' as bigint), cast(json ->> '$.timestamp' as bigint)) as event_ms,
        json ->> '$.data.type' as kind,
        json ->> '$.data.stream_id' as stream_id,
        json ->> '$.data.request_id' as request_id,
        nullif(json ->> '$.data.pipeline', '') as model,
        case when json ->> '$.data.type' = 'error' then json ->> '$.data.message' end as error_message,
        -- Runner events and params updates name the orchestrator; gateway errors carry no
        -- orchestrator_info at all (§2.6), so these are NULL for them.
        nullif(lower(json ->> '$.data.orchestrator_info.address'), '') as orch_node_address,
        nullif(lower(json ->> '$.data.orchestrator_info.url'), '') as orch_url_norm
    from source
)

select * from final
order by event_ms, event_id
