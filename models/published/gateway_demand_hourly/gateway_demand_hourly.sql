-- Loads hourly gateway demand; makes the published demand rows with the effective success rate
-- beside its parts and its Wilson 95% interval.
with demand as (
    select * from core_gateway_demand_hourly
),

rated as (
    select
        *,
        cast(requested_sessions - effective_failed_sessions as double) as successes,
        cast(requested_sessions as double) as n
    from demand
),

final as (
    select
        hour,
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
order by hour, gateway_host, pipeline, model
