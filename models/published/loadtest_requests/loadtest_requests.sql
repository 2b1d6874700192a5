-- Loads synthetic load-test requests; makes the released per-request outcomes of the window's runs
-- (inputs by hash only: no prompts, media or responses).
with requests as (
    select * from core_loadtest_requests
    where sent_at_ms >= getvariable('window_from_ms')
        and sent_at_ms < getvariable('window_to_ms')
),

final as (
    select
        run_id,
        seq,
        day,
        make_timestamp(sent_at_ms * 1000) as sent_at,
        plan_id,
        vantage_region,
        orchestrator_address,
        pipeline,
        model,
        outcome,
        http_status,
        is_scored,
        is_passed,
        latency_ms,
        input_sha256
    from requests
)

select * from final
order by run_id, seq
