-- Loads organic and synthetic requests; makes requests, success and latency per day, orchestrator,
-- workflow and traffic class, one class per row.
with requests as (
    select * from core_traffic_requests
    where at_ms >= getvariable('window_from_ms')
        and at_ms < getvariable('window_to_ms')
),

daily as (
    select
        day,
        orchestrator_address,
        pipeline,
        model,
        traffic_class,
        count(*) as traffic_requests,
        count(*) filter (where scoring = 'scored') as traffic_scored_requests,
        count(*) filter (where scoring = 'scored' and is_passed) as traffic_successes,
        count(*) filter (where scoring = 'scored' and not is_passed) as traffic_failed_requests,
        count(*) filter (where scoring = 'deferred') as traffic_deferred_requests,
        count(*) filter (where scoring = 'unscored') as traffic_unscored_requests,
        count(latency_ms) as traffic_latency_samples,
        quantile_cont(latency_ms, 0.5) as traffic_latency_p50_ms,
        quantile_cont(latency_ms, 0.95) as traffic_latency_p95_ms
    from requests
    group by day, orchestrator_address, pipeline, model, traffic_class
),

rates as (
    select
        *,
        case when traffic_scored_requests > 0 then traffic_successes / traffic_scored_requests end as traffic_success_rate
    from daily
),

final as (
    select
        day,
        orchestrator_address,
        pipeline,
        model,
        traffic_class,
        traffic_requests,
        traffic_scored_requests,
        traffic_successes,
        traffic_failed_requests,
        traffic_deferred_requests,
        traffic_unscored_requests,
        traffic_success_rate,
        -- Wilson score interval at 95 % (sql/macros.sql).
        wilson_low(traffic_success_rate, traffic_scored_requests) as traffic_success_rate_ci_low,
        wilson_high(traffic_success_rate, traffic_scored_requests) as traffic_success_rate_ci_high,
        traffic_latency_samples,
        traffic_latency_p50_ms,
        traffic_latency_p95_ms
    from rates
)

select * from final
order by day, orchestrator_address nulls last, pipeline, model, traffic_class
