-- Loads load-test run manifests; makes one row per run with its plan, vantage and versions.
with runs as (
    select * from stg_loadtest_runs
    where started_at_ms >= getvariable('history_from_ms')
        and started_at_ms < getvariable('window_to_ms')
),

final as (
    select
        run_id,
        cast(make_timestamp(started_at_ms * 1000) as date) as day,
        started_at_ms,
        ended_at_ms,
        plan_id,
        plan_version,
        plan_sha256,
        pipeline,
        model,
        planned_requests,
        vantage_region,
        runner_name,
        runner_version,
        gateway_version,
        run_status,
        record_count,
        input_pool_ids,
        input_sha256s
    from runs
)

select * from final
order by run_id
