-- Loads live sessions and hourly ticket economics; makes NaaP-style demand per request hour, gateway
-- host and workflow, with the gateway's tickets of the same hour beside it.
with sessions as (
    select * from core_live_sessions
    where is_requested
        and requested_at_ms >= getvariable('window_from_ms')
        and requested_at_ms < getvariable('window_to_ms')
),

payments as (
    select * from core_gateway_payments_hourly
),

hosts as (
    select gateway_host, gateway_address from core_gateway_hosts
),

regions as (
    select host_key as gateway_host, region from core_host_regions
    where host_kind = 'gateway'
),

session_parts as (
    -- NaaP RULE-LIFECYCLE-008: demand is anchored at the hour the session was requested.
    select
        date_trunc('hour', make_timestamp(requested_at_ms * 1000)) as hour,
        gateway_host,
        pipeline,
        model,
        count(*) as requested_sessions,
        count(*) filter (where is_startup_success) as served_sessions,
        count(*) filter (where excusal = 'no_orch') as unserved_sessions,
        -- NaaP effective failure: an unexcused startup failure, zero output fps or loading only,
        -- each session counted once.
        count(*) filter (
            where (not is_startup_success and excusal = 'none') or is_zero_output_fps or is_loading_only
        ) as effective_failed_sessions,
        -- Minutes from request to the last sign of life; a last sign before the request counts 0.
        sum(greatest(last_seen_ms - requested_at_ms, 0)) as session_ms
    from sessions
    group by all
),

payment_parts as (
    select
        hour,
        gateway_host,
        pipeline,
        model,
        sum(payment_events) as payment_events,
        -- Summed over attribution statuses, so one session's batches stay in one row; the counts
        -- say how many of them got their workflow from their session or stream, or got none.
        coalesce(sum(payment_events) filter (where attribution_status = 'attributed_by_session'), 0) as session_attributed_payment_events,
        coalesce(sum(payment_events) filter (where attribution_status = 'attributed_by_stream'), 0) as stream_attributed_payment_events,
        coalesce(sum(payment_events) filter (where attribution_status = 'unattributed'), 0) as unattributed_payment_events,
        sum(unparsed_payment_events) as unparsed_payment_events,
        sum(tickets_sent) as tickets_sent,
        sum(ticket_face_value_wei) as ticket_face_value_wei,
        sum(expected_value_wei) as expected_value_wei
    from payments
    group by all
),

joined as (
    select
        coalesce(s.hour, p.hour) as hour,
        coalesce(s.gateway_host, p.gateway_host) as gateway_host,
        coalesce(s.pipeline, p.pipeline) as pipeline,
        coalesce(s.model, p.model) as model,
        coalesce(s.requested_sessions, 0) as requested_sessions,
        coalesce(s.served_sessions, 0) as served_sessions,
        coalesce(s.unserved_sessions, 0) as unserved_sessions,
        coalesce(s.effective_failed_sessions, 0) as effective_failed_sessions,
        coalesce(s.session_ms, 0) as session_ms,
        coalesce(p.payment_events, 0) as payment_events,
        coalesce(p.session_attributed_payment_events, 0) as session_attributed_payment_events,
        coalesce(p.stream_attributed_payment_events, 0) as stream_attributed_payment_events,
        coalesce(p.unattributed_payment_events, 0) as unattributed_payment_events,
        coalesce(p.unparsed_payment_events, 0) as unparsed_payment_events,
        coalesce(p.tickets_sent, 0) as tickets_sent,
        coalesce(p.ticket_face_value_wei, 0) as ticket_face_value_wei,
        coalesce(p.expected_value_wei, 0) as expected_value_wei
    from session_parts as s
    full join payment_parts as p using (hour, gateway_host, pipeline, model)
),

final as (
    select
        j.hour,
        j.gateway_host,
        h.gateway_address,
        -- A host no region rule covers, or seen on payments only, has no known region.
        coalesce(r.region, 'unknown') as gateway_region,
        j.pipeline,
        j.model,
        cast(j.requested_sessions as bigint) as requested_sessions,
        cast(j.served_sessions as bigint) as served_sessions,
        cast(j.unserved_sessions as bigint) as unserved_sessions,
        cast(j.effective_failed_sessions as bigint) as effective_failed_sessions,
        cast(j.session_ms as bigint) as session_ms,
        cast(j.payment_events as bigint) as payment_events,
        cast(j.session_attributed_payment_events as bigint) as session_attributed_payment_events,
        cast(j.stream_attributed_payment_events as bigint) as stream_attributed_payment_events,
        cast(j.unattributed_payment_events as bigint) as unattributed_payment_events,
        cast(j.unparsed_payment_events as bigint) as unparsed_payment_events,
        cast(j.tickets_sent as bigint) as tickets_sent,
        cast(j.ticket_face_value_wei as decimal(38, 0)) as ticket_face_value_wei,
        cast(j.expected_value_wei as decimal(38, 10)) as expected_value_wei
    from joined as j
    left join hosts as h using (gateway_host)
    left join regions as r using (gateway_host)
)

select * from final
order by hour, gateway_host, pipeline, model
