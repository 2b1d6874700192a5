-- Loads raw stream_ingest_metrics events; makes one row per 5-second WHIP ingest sample, with its
-- connection quality and how many track entries it carried.
with source as (
    select json from raw_gateway_events_stream_ingest_metrics
),

sample_fields as (
    -- One parse of each record for every field (each `->>` would parse the whole record again).
    select
        from_json(json, '{
            "id": "VARCHAR", "timestamp": "VARCHAR", "gateway": "VARCHAR",
            "data": {"timestamp": "VARCHAR", "stream_id": "VARCHAR", "request_id": "VARCHAR",
                "stats": {"conn_quality": "VARCHAR", "track_stats": "JSON", "peer_conn_stats": {"BytesReceived": "VARCHAR"}}}
        }') as e
    from source
),

final as (
    select
        e.id as event_id,
        cast(e.timestamp as bigint) as envelope_ms,
        coalesce(try_cast(e.data.timestamp as bigint), cast(e.timestamp as bigint)) as event_ms,
        coalesce(e.gateway, '') as gateway_host,
        e.data.stream_id as stream_id,
        e.data.request_id as request_id,
        nullif(e.data.stats.conn_quality, '') as conn_quality,
        -- track_stats is absent until the tracks are initialised (§2.7); 0 then, not NULL.
        cast(coalesce(json_array_length(e.data.stats.track_stats), 0) as integer) as track_count,
        -- peer_conn_stats keys are PascalCase (a Go struct without JSON tags).
        try_cast(e.data.stats.peer_conn_stats.BytesReceived as bigint) as bytes_received
    from sample_fields
)

select * from final
order by event_ms, event_id
