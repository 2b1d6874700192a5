-- Which orchestrators start live AI sessions most reliably, and on how many sessions?
-- Rates are recomputed from the released numerator and denominator, never averaged; a workflow
-- an orchestrator was never asked for has no rate (null), not 0.
-- Reads the latest release only: the store keeps earlier releases beside it under v1/.
select
    orchestrator_address,
    pipeline,
    model,
    sum(requested_sessions) as requested_sessions,
    sum(startup_success_sessions) as startup_success_sessions,
    round(sum(startup_success_sessions) / nullif(sum(requested_sessions), 0), 4) as startup_success_rate
from read_parquet('orchestrator_workflow_hourly/v1/*/part-*.parquet', filename = true)
where filename like '%/' || (select release_id from read_json('orchestrator_workflow_hourly/latest.json')) || '/%'
  and orchestrator_address is not null
group by orchestrator_address, pipeline, model
order by startup_success_rate desc nulls last, requested_sessions desc, orchestrator_address, pipeline, model;
