-- Loads every raw gateway-event entity; makes one row per kept event: its envelope and the family
-- status the connector filed it under (jobs/gateway-events/families.ts).
with envelopes as (
    select 'modelled' as family_status, json from raw_gateway_events_stream_trace
    union all
    select 'modelled' as family_status, json from raw_gateway_events_ai_stream_status
    union all
    select 'modelled' as family_status, json from raw_gateway_events_ai_stream_events
    union all
    select 'modelled' as family_status, json from raw_gateway_events_stream_ingest_metrics
    union all
    select 'modelled' as family_status, json from raw_gateway_events_network_capabilities
    union all
    select 'modelled' as family_status, json from raw_gateway_events_discovery_results
    union all
    select 'modelled' as family_status, json from raw_gateway_events_create_new_payment
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_create_signed_ticket
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_ai_batch_request
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_ai_llm_request
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_job_gateway
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_job_orchestrator
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_job_payment
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_job_auth
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_worker_lifecycle
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_pipelines_api_request
    union all
    select 'stored_not_modelled' as family_status, json from raw_gateway_events_webrtc_stats
    union all
    select 'unknown' as family_status, json from raw_gateway_events_unknown
),

envelope_fields as (
    -- One parse of each record for every field (each `->>` would parse the whole record again).
    select
        family_status,
        from_json(json, '{"id": "VARCHAR", "type": "VARCHAR", "timestamp": "VARCHAR", "gateway": "VARCHAR"}') as e
    from envelopes
),

final as (
    select
        e.id as event_id,
        -- The type as sent; one nobody documents is cut to 64 characters before it is published.
        left(e.type, 64) as family,
        family_status,
        cast(e.timestamp as bigint) as event_ms,
        coalesce(e.gateway, '') as gateway_host
    from envelope_fields
)

select * from final
order by event_ms, event_id
