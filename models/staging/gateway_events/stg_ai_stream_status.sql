-- Loads raw ai_stream_status samples; makes one typed row per sample, without prompts or params.
with source as (
    select json from raw_gateway_events_ai_stream_status
),

final as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as envelope_ms,
        -- The sample's own time comes from the runner host clock (§2.12).
        coalesce(try_cast(json ->> '$.data.timestamp' as bigint), cast(json ->> '$.timestamp' as bigint)) as event_ms,
        json ->> '$.data.stream_id' as stream_id,
        json ->> '$.data.request_id' as request_id,
        nullif(json ->> '$.data.pipeline', '') as model,
        json ->> '$.data.state' as state,
        try_cast(json ->> '$.data.start_time' as bigint) as start_time_ms,
        try_cast(json ->> '$.data.inference_status.fps' as double) as output_fps,
        nullif(lower(json ->> '$.data.orchestrator_info.address'), '') as orch_node_address,
        nullif(lower(json ->> '$.data.orchestrator_info.url'), '') as orch_url_norm
    from source
)

select * from final
order by event_ms, event_id
