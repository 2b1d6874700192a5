-- Loads raw ai_stream_events; makes one row per event with its kind and error message, never params.
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
        case when json ->> '$.data.type' = 'error' then json ->> '$.data.message' end as error_message
    from source
)

select * from final
order by event_ms, event_id
