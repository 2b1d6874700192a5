-- Loads typed trace, status and error events; makes one row per live session in NaaP's terms
-- (docs/sources.md §12.1: identity, classification with precedence, excusal, latency edges, swaps,
-- health signals) with the region of the serving URI and of the gateway.
with trace as (
    select * from stg_stream_trace
    where not is_noise and stream_id is not null and request_id is not null
),

status as (
    select * from stg_ai_stream_status
    where stream_id is not null and request_id is not null
),

errors as (
    select
        stream_id,
        request_id,
        error_message,
        -- NaaP's excusable list, matched case-insensitively as substrings.
        regexp_matches(lower(error_message),
            'no orchestrators available|mediamtx ingest disconnected|whip disconnected|missing video|ice connection state failed|user disconnected'
        ) as is_excusable
    from stg_ai_stream_events
    where kind = 'error' and error_message is not null and stream_id is not null and request_id is not null
),

-- NaaP's selection evidence (resolver repo.go fetchSelectionCandidates, selection.go): any gateway
-- edge, status sample or stream event of the session naming an orchestrator by address or URL.
-- Runner traces are not candidates there; they always follow a gateway edge that names the same one.
selections as (
    select distinct stream_id, request_id from trace
    where (orch_node_address is not null or orch_url_norm is not null)
        and subtype in (
            'gateway_receive_stream_request', 'gateway_ingest_stream_closed', 'gateway_send_first_ingest_segment',
            'gateway_receive_first_processed_segment', 'gateway_receive_few_processed_segments',
            'gateway_receive_first_data_segment', 'gateway_no_orchestrators_available', 'orchestrator_swap'
        )
    union
    select stream_id, request_id from status where orch_node_address is not null or orch_url_norm is not null
    union
    select stream_id, request_id from stg_ai_stream_events
    where stream_id is not null and request_id is not null and (orch_node_address is not null or orch_url_norm is not null)
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

orchestrator_regions as (
    select host_key as last_orch_url_norm, region from core_host_regions where host_kind = 'orchestrator'
),

gateway_regions as (
    select host_key as gateway_host, region as gateway_region from core_host_regions where host_kind = 'gateway'
),

edges as (
    select
        stream_id,
        request_id,
        min(event_ms) filter (where subtype = 'gateway_receive_stream_request') as requested_at_ms,
        min(event_ms) filter (where subtype = 'gateway_send_first_ingest_segment') as first_ingest_sent_ms,
        min(event_ms) filter (where subtype = 'runner_send_first_processed_segment') as runner_first_output_ms,
        min(event_ms) filter (where subtype = 'gateway_receive_first_processed_segment') as first_processed_ms,
        min(event_ms) filter (where subtype = 'gateway_receive_few_processed_segments') as playable_at_ms,
        max(event_ms) filter (where subtype = 'gateway_ingest_stream_closed') as closed_at_ms,
        bool_or(subtype = 'gateway_no_orchestrators_available') as has_no_orchestrator_edge,
        count(*) filter (where subtype = 'orchestrator_swap') as swaps_confirmed,
        -- Ties on the clock go to the lower event id, so threads cannot pick either.
        arg_min(pipeline_hint, (event_ms, event_id)) filter (where subtype = 'orchestrator_swap') as swap_model,
        any_value(gateway_host) as gateway_host,
        min(event_ms) as first_event_ms,
        max(event_ms) as last_event_ms
    from trace
    group by stream_id, request_id
),

status_agg as (
    select
        stream_id,
        request_id,
        count(*) as status_samples,
        -- Summed as exact decimals (1e-6 fps), so the result does not depend on summation order.
        sum(output_fps::decimal(18, 6))::double as output_fps_sum,
        -- NaaP's running states (running_state_samples_count in its status rollup, §12.1).
        count(*) filter (where state in ('ONLINE', 'DEGRADED_INPUT', 'DEGRADED_INFERENCE')) as running_samples,
        bool_or(output_fps > 0) as any_positive_fps,
        min(start_time_ms) as runner_start_ms,
        arg_min(model, (event_ms, event_id)) as first_model,
        -- Last seen on the gateway clock, like every other edge of the session.
        max(envelope_ms) as last_status_ms
    from status
    group by stream_id, request_id
),

error_agg as (
    select
        stream_id,
        request_id,
        count(*) as error_count,
        count(*) filter (where is_excusable) as excusable_error_count
    from errors
    group by stream_id, request_id
),

-- Every edge that names an orchestrator, resolved to the canonical address and ordered on the
-- gateway clock (envelope time): status samples carry the runner's clock, which can be skewed.
served as (
    select stream_id, request_id, envelope_ms as event_ms, event_id, orch_url_norm from trace where orch_url_norm is not null
    union all
    select stream_id, request_id, envelope_ms as event_ms, event_id, orch_url_norm from status where orch_url_norm is not null
),

served_resolved as (
    select
        s.stream_id,
        s.request_id,
        s.event_ms,
        s.event_id,
        s.orch_url_norm,
        m.orchestrator_address,
        lag(coalesce(m.orchestrator_address, s.orch_url_norm)) over (
            partition by s.stream_id, s.request_id order by s.event_ms, s.event_id
        ) as previous_orchestrator
    from served as s
    left join uri_map as m using (orch_url_norm)
),

attribution as (
    select
        stream_id,
        request_id,
        arg_max(orchestrator_address, (event_ms, event_id)) as orchestrator_address,
        arg_max(orch_url_norm, (event_ms, event_id)) as last_orch_url_norm,
        count(*) filter (
            where previous_orchestrator is not null
            and previous_orchestrator <> coalesce(orchestrator_address, orch_url_norm)
        ) as orchestrator_changes
    from served_resolved
    group by stream_id, request_id
),

sessions as (
    select
        e.*,
        coalesce(s.status_samples, 0) as status_samples,
        coalesce(s.output_fps_sum, 0) as output_fps_sum,
        -- No sample in a running state: LOADING, ERROR and OFFLINE alone all count (NaaP session.go).
        coalesce(s.status_samples, 0) > 0 and coalesce(s.running_samples, 0) = 0 as is_loading_only,
        coalesce(s.status_samples, 0) > 0 and not coalesce(s.any_positive_fps, false) as is_zero_output_fps,
        s.runner_start_ms,
        s.first_model,
        s.last_status_ms,
        coalesce(r.error_count, 0) as error_count,
        coalesce(r.excusable_error_count, 0) as excusable_error_count,
        a.orchestrator_address,
        a.last_orch_url_norm,
        coalesce(a.orchestrator_changes, 0) as orchestrator_changes,
        sel.stream_id is not null as has_selection,
        coalesce(o.region, 'unknown') as region,
        coalesce(g.gateway_region, 'unknown') as gateway_region
    from edges as e
    left join status_agg as s using (stream_id, request_id)
    left join error_agg as r using (stream_id, request_id)
    left join attribution as a using (stream_id, request_id)
    left join selections as sel using (stream_id, request_id)
    left join orchestrator_regions as o using (last_orch_url_norm)
    left join gateway_regions as g on g.gateway_host = coalesce(e.gateway_host, '')
),

final as (
    select
        sha256(getvariable('hash_key') || '|' || stream_id || '|' || request_id) as session_key,
        stream_id,
        request_id,
        gateway_host,
        gateway_region,
        requested_at_ms,
        requested_at_ms is not null as is_requested,
        'live-video-to-video' as pipeline,
        -- The runner names the model in its status samples; a swap names it too (§14.2).
        coalesce(first_model, swap_model, '') as model,
        orchestrator_address,
        case
            when orchestrator_address is not null then 'resolved'
            when last_orch_url_norm is not null then 'unresolved'
            else 'no_orchestrator'
        end as attribution_status,
        region,
        playable_at_ms is not null as is_startup_success,
        case
            when playable_at_ms is not null then 'success'
            else 'failed'
        end as startup_outcome,
        -- Precedence: success, then no orchestrator, then all-excusable errors, else unexcused.
        -- no_orch only when the session never selected one: a session that reached an orchestrator
        -- and then found none left is judged by its errors (NaaP session.go selectionOutcome).
        case
            when playable_at_ms is not null then null
            when has_no_orchestrator_edge and not has_selection then 'no_orch'
            when error_count > 0 and error_count = excusable_error_count then 'excusable_error'
            else 'none'
        end as excusal,
        is_loading_only,
        is_zero_output_fps,
        swaps_confirmed,
        greatest(orchestrator_changes - swaps_confirmed, 0) as swaps_inferred,
        -- A session is swapped once: confirmed when a swap event was seen, else inferred.
        case
            when swaps_confirmed > 0 then 'confirmed'
            when orchestrator_changes > 0 then 'inferred'
        end as swap_kind,
        status_samples,
        output_fps_sum,
        error_count,
        excusable_error_count,
        case when first_processed_ms >= requested_at_ms then first_processed_ms - requested_at_ms end as startup_latency_ms,
        case when runner_first_output_ms >= first_ingest_sent_ms then runner_first_output_ms - first_ingest_sent_ms end as e2e_latency_ms,
        case when playable_at_ms >= runner_start_ms then playable_at_ms - runner_start_ms end as prompt_to_first_frame_ms,
        -- NaaP session.go HealthSignalCount: a status sample; the playable edge; a status sample from
        -- a session that is not both loading-only and zero-fps.
        (status_samples > 0)::integer
            + (playable_at_ms is not null)::integer
            + (status_samples > 0 and not (is_loading_only and is_zero_output_fps))::integer as health_signals,
        case when requested_at_ms is not null then 3 else 0 end as health_signals_expected,
        first_event_ms,
        greatest(last_event_ms, coalesce(last_status_ms, last_event_ms), coalesce(closed_at_ms, last_event_ms)) as last_seen_ms,
        closed_at_ms is not null as has_close_edge
    from sessions
)

select * from final
order by coalesce(requested_at_ms, first_event_ms), session_key
