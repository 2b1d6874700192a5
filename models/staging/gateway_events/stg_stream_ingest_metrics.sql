-- Loads raw stream_ingest_metrics events; makes one row per 5-second WHIP ingest sample, with its
-- connection quality and how many track entries it carried.
with source as (
    select json from raw_gateway_events_stream_ingest_metrics
),

final as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as envelope_ms,
        coalesce(try_cast(json ->> '$.data.timestamp' as bigint), cast(json ->> '$.timestamp' as bigint)) as event_ms,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        json ->> '$.data.stream_id' as stream_id,
        json ->> '$.data.request_id' as request_id,
        nullif(json ->> '$.data.stats.conn_quality', '') as conn_quality,
        -- track_stats is absent until the tracks are initialised (§2.7); 0 then, not NULL.
        cast(coalesce(json_array_length(json -> '$.data.stats.track_stats'), 0) as integer) as track_count,
        -- peer_conn_stats keys are PascalCase (a Go struct without JSON tags).
        try_cast(json ->> '$.data.stats.peer_conn_stats.BytesReceived' as bigint) as bytes_received
    from source
)

select * from final
order by event_ms, event_id
