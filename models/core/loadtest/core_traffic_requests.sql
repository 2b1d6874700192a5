-- Loads organic AI batch requests and synthetic load-test requests; makes one row per request
-- labelled with its traffic class, in common terms, so the two can stand side by side unmixed.
with organic as (
    select
        'organic' as traffic_class,
        'naap:' || request_id as request_key,
        day,
        completed_at_ms as at_ms,
        orchestrator_address,
        pipeline,
        model,
        -- Every organic request carries a success verdict; none is deferred.
        'scored' as scoring,
        success as is_passed,
        case when success then duration_ms end as latency_ms
    from core_batch_requests
    where success is not null
),

synthetic as (
    select
        'synthetic' as traffic_class,
        'loadtest:' || run_id || ':' || seq as request_key,
        day,
        coalesce(completed_at_ms, sent_at_ms) as at_ms,
        orchestrator_address,
        pipeline,
        model,
        case
            when is_scored then 'scored'
            when outcome like 'deferred%' then 'deferred'
            else 'unscored'
        end as scoring,
        is_passed,
        latency_ms
    from core_loadtest_requests
),

final as (
    select * from organic
    union all
    select * from synthetic
)

select * from final
order by day, traffic_class, request_key
