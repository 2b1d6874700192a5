-- Loads load-test request outcomes and their runs; makes one row per synthetic request with its
-- completion day, scoring class and latency.
with requests as (
    select * from stg_loadtest_requests
),

runs as (
    select run_id, plan_id, vantage_region from core_loadtest_runs
),

final as (
    select
        q.run_id,
        q.seq,
        -- Dated like organic batch requests, by completion (sent time when it never completed).
        cast(make_timestamp(coalesce(q.completed_at_ms, q.sent_at_ms) * 1000) as date) as day,
        q.sent_at_ms,
        q.completed_at_ms,
        r.plan_id,
        r.vantage_region,
        q.orchestrator_address,
        q.pipeline,
        q.model,
        q.outcome,
        q.http_status,
        -- Success rate is passed / (passed + failed): deferred and unscored requests say nothing
        -- about the orchestrator.
        q.outcome in ('passed', 'failed') as is_scored,
        q.outcome = 'passed' as is_passed,
        case when q.outcome = 'passed' then q.completed_at_ms - q.sent_at_ms end as latency_ms,
        q.input_sha256
    from requests as q
    join runs as r using (run_id)
)

select * from final
order by run_id, seq
