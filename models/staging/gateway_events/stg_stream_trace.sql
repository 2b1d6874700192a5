-- Loads raw stream_trace events; makes one typed row per event, with non-gateway traces flagged.
with source as (
    select json from raw_gateway_events_stream_trace
),

trace_fields as (
    -- One parse of each record for every field (each `->>` would parse the whole record again).
    select
        from_json(json, '{
            "id": "VARCHAR", "timestamp": "VARCHAR", "gateway": "VARCHAR",
            "data": {"type": "VARCHAR", "timestamp": "VARCHAR", "stream_id": "VARCHAR", "request_id": "VARCHAR",
                "orchestrator_info": {"address": "VARCHAR", "url": "VARCHAR"}, "pipeline": "VARCHAR", "message": "VARCHAR", "client_source": "VARCHAR"}
        }') as e
    from source
),

typed as (
    select
        e.id as event_id,
        cast(e.timestamp as bigint) as envelope_ms,
        coalesce(e.gateway, '') as gateway_host,
        e.data.type as subtype,
        try_cast(e.data.timestamp as bigint) as payload_ms,
        e.data.stream_id as stream_id,
        e.data.request_id as request_id,
        nullif(lower(e.data.orchestrator_info.address), '') as orch_node_address,
        nullif(lower(e.data.orchestrator_info.url), '') as orch_url_norm,
        nullif(e.data.pipeline, '') as pipeline_hint,
        e.data.message as message,
        e.data.client_source as client_source
    from trace_fields
),

final as (
    select
        event_id,
        envelope_ms,
        -- Swaps carry no payload time; the envelope (gateway clock) dates them.
        coalesce(payload_ms, envelope_ms) as event_ms,
        gateway_host,
        subtype,
        stream_id,
        request_id,
        orch_node_address,
        orch_url_norm,
        pipeline_hint,
        message,
        -- Scope client traces and Daydream app traces share the topic but are not gateway edges.
        (client_source is not null or starts_with(subtype, 'app_')) as is_noise
    from typed
)

select * from final
order by event_ms, event_id
