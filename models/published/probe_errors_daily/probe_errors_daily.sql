-- Loads per-probe error counts; makes error counts by normalised code per day, orchestrator, tester
-- region and workflow.
with errors as (
    select * from core_probe_errors
    where window_from_ms >= getvariable('window_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

final as (
    select
        day,
        orchestrator_address,
        region,
        job_type,
        pipeline,
        model,
        error_code,
        cast(sum(error_count) as bigint) as probe_error_count,
        count(*) as probe_error_probe_count
    from errors
    group by day, orchestrator_address, region, job_type, pipeline, model, error_code
)

select * from final
order by day, orchestrator_address, region, job_type, pipeline, model, error_code
