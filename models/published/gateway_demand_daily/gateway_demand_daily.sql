-- Loads hourly gateway demand; makes daily demand per gateway host and workflow by summing the
-- hourly parts, then recomputing the rate and its Wilson 95% interval from the sums.
with demand as (
    select * from core_gateway_demand_hourly
),

daily as (
    select
        cast(hour as date) as day,
        gateway_host,
        min(gateway_address) as gateway_address,
        min(gateway_region) as gateway_region,
        pipeline,
        model,
        cast(sum(requested_sessions) as bigint) as requested_sessions,
        cast(sum(served_sessions) as bigint) as served_sessions,
        cast(sum(unserved_sessions) as bigint) as unserved_sessions,
        cast(sum(effective_failed_sessions) as bigint) as effective_failed_sessions,
        cast(sum(session_ms) as bigint) as session_ms,
        cast(sum(payment_events) as bigint) as payment_events,
        cast(sum(session_attributed_payment_events) as bigint) as session_attributed_payment_events,
        cast(sum(stream_attributed_payment_events) as bigint) as stream_attributed_payment_events,
        cast(sum(unattributed_payment_events) as bigint) as unattributed_payment_events,
        cast(sum(unparsed_payment_events) as bigint) as unparsed_payment_events,
        cast(sum(tickets_sent) as bigint) as tickets_sent,
        cast(sum(ticket_face_value_wei) as decimal(38, 0)) as ticket_face_value_wei,
        cast(sum(expected_value_wei) as decimal(38, 10)) as expected_value_wei
    from demand
    group by cast(hour as date), gateway_host, pipeline, model
),

rated as (
    select
        *,
        cast(requested_sessions - effective_failed_sessions as double) as successes,
        cast(requested_sessions as double) as n
    from daily
),

final as (
    select
        day,
        gateway_host,
        gateway_address,
        gateway_region,
        pipeline,
        model,
        requested_sessions,
        served_sessions,
        unserved_sessions,
        effective_failed_sessions,
        case when n > 0 then successes / n end as effective_success_rate,
        -- Wilson score intervals at 95 % (sql/macros.sql).
        wilson_low(successes / n, n) as effective_success_rate_ci_low,
        wilson_high(successes / n, n) as effective_success_rate_ci_high,
        cast(session_ms as double) / 60000 as session_minutes,
        payment_events,
        session_attributed_payment_events,
        stream_attributed_payment_events,
        unattributed_payment_events,
        unparsed_payment_events,
        tickets_sent,
        ticket_face_value_wei,
        expected_value_wei
    from rated
)

select * from final
order by day, gateway_host, pipeline, model
