-- Loads raw stream_ingest_metrics events; makes one row per track entry of each sample, with jitter,
-- cumulative packet counters and RTT in their wire units.
with source as (
    select json from raw_gateway_events_stream_ingest_metrics
),

samples as (
    select
        json ->> '$.id' as event_id,
        coalesce(try_cast(json ->> '$.data.timestamp' as bigint), cast(json ->> '$.timestamp' as bigint)) as event_ms,
        json ->> '$.data.stream_id' as stream_id,
        json ->> '$.data.request_id' as request_id,
        cast(json -> '$.data.stats.track_stats' as json[]) as tracks
    from source
    where json_array_length(json -> '$.data.stats.track_stats') > 0
),

tracks as (
    select
        event_id,
        event_ms,
        stream_id,
        request_id,
        unnest(tracks) as track,
        unnest(range(len(tracks))) as track_index
    from samples
),

final as (
    select
        event_id,
        cast(track_index as integer) as track_index,
        event_ms,
        stream_id,
        request_id,
        track ->> 'type' as track_type,
        try_cast(track ->> 'jitter' as double) as jitter_ms,
        try_cast(track ->> 'packets_lost' as bigint) as packets_lost_total,
        try_cast(track ->> 'packets_received' as bigint) as packets_received_total,
        try_cast(track ->> 'packet_loss_pct' as double) as packet_loss_pct,
        -- A Go time.Duration: nanoseconds.
        try_cast(track ->> 'rtt' as bigint) as rtt_ns
    from tracks
)

select * from final
order by event_ms, event_id, track_index
