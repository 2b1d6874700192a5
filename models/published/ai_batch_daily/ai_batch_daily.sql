-- Loads attributed AI batch requests; makes success and latency per day, orchestrator and workflow.
with requests as (
    select * from core_batch_requests
    where completed_at_ms >= getvariable('window_from_ms')
        and completed_at_ms < getvariable('window_to_ms')
),

daily as (
    select
        day,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        count(*) filter (where success is not null) as batch_requests,
        count(*) filter (where success) as batch_successes,
        count(*) filter (where success is null) as unverdicted_requests,
        -- Latency of successful requests: a failed request's duration measures the failure.
        count(duration_ms) filter (where success) as batch_latency_samples,
        cast(coalesce(sum(duration_ms) filter (where success), 0) as bigint) as batch_latency_sum_ms,
        quantile_cont(duration_ms, 0.5) filter (where success) as batch_latency_p50_ms,
        quantile_cont(duration_ms, 0.95) filter (where success) as batch_latency_p95_ms
    from requests
    group by day, orchestrator_address, attribution_status, pipeline, model
),

rates as (
    select
        *,
        case when batch_requests > 0 then batch_successes / batch_requests end as batch_success_rate,
        case when batch_latency_samples > 0 then batch_latency_sum_ms / batch_latency_samples end as batch_latency_mean_ms
    from daily
),

final as (
    select
        day,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        batch_requests,
        batch_successes,
        batch_success_rate,
        -- Wilson score interval at 95 % (sql/macros.sql).
        wilson_low(batch_success_rate, batch_requests) as batch_success_rate_ci_low,
        wilson_high(batch_success_rate, batch_requests) as batch_success_rate_ci_high,
        batch_latency_samples,
        batch_latency_sum_ms,
        batch_latency_mean_ms,
        batch_latency_p50_ms,
        batch_latency_p95_ms,
        unverdicted_requests
    from rates
)

select * from final
order by day, orchestrator_address nulls last, attribution_status, pipeline, model
