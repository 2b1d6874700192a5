-- Which orchestrators start live-video-to-video sessions most reliably, and on how many sessions?
-- Rates are recomputed from the released numerator and denominator, never averaged.
select
    orchestrator_address,
    model,
    sum(requested_sessions) as requested_sessions,
    sum(startup_success_sessions) as startup_success_sessions,
    round(sum(startup_success_sessions) / sum(requested_sessions), 4) as startup_success_rate
from read_parquet('data/store/orchestrator_workflow_hourly/v1/*/part-*.parquet')
where orchestrator_address is not null
group by all
order by startup_success_rate desc, requested_sessions desc;
