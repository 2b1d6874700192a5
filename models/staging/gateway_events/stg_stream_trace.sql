-- Loads raw stream_trace events; makes one typed row per event, with non-gateway traces flagged.
with source as (
    select json from raw_gateway_events_stream_trace
),

typed as (
    select
        json ->> '$.id' as event_id,
        cast(json ->> '$.timestamp' as bigint) as envelope_ms,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        json ->> '$.data.type' as subtype,
        try_cast(json ->> '$.data.timestamp' as bigint) as payload_ms,
        json ->> '$.data.stream_id' as stream_id,
        json ->> '$.data.request_id' as request_id,
        nullif(lower(json ->> '$.data.orchestrator_info.address'), '') as orch_node_address,
        nullif(lower(json ->> '$.data.orchestrator_info.url'), '') as orch_url_norm,
        nullif(json ->> '$.data.pipeline', '') as pipeline_hint,
        json ->> '$.data.message' as message,
        json ->> '$.data.client_source' as client_source
    from source
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
