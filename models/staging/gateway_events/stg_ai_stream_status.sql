-- Loads raw ai_stream_status samples; makes one typed row per sample, without prompts or params.
with source as (
    select json from raw_gateway_events_ai_stream_status
),

sample_fields as (
    -- One parse of each record for every field (each `->>` would parse the whole record again).
    select
        from_json(json, '{
            "id": "VARCHAR", "timestamp": "VARCHAR",
            "data": {"timestamp": "VARCHAR", "stream_id": "VARCHAR", "request_id": "VARCHAR", "pipeline": "VARCHAR", "state": "VARCHAR",
                "start_time": "VARCHAR", "inference_status": {"fps": "VARCHAR"}, "orchestrator_info": {"address": "VARCHAR", "url": "VARCHAR"}}
        }') as e
    from source
),

final as (
    select
        e.id as event_id,
        cast(e.timestamp as bigint) as envelope_ms,
        -- The sample's own time comes from the runner host clock (§2.12).
        coalesce(try_cast(e.data.timestamp as bigint), cast(e.timestamp as bigint)) as event_ms,
        e.data.stream_id as stream_id,
        e.data.request_id as request_id,
        nullif(e.data.pipeline, '') as model,
        e.data.state as state,
        try_cast(e.data.start_time as bigint) as start_time_ms,
        try_cast(e.data.inference_status.fps as double) as output_fps,
        nullif(lower(e.data.orchestrator_info.address), '') as orch_node_address,
        nullif(lower(e.data.orchestrator_info.url), '') as orch_url_norm
    from sample_fields
)

select * from final
order by event_ms, event_id
