-- Which orchestrators have the best live-video SLA score, and how many sessions does each score rest on?
-- The score is released per day; across days it is weighted by the day's SLA sessions (a day with
-- more evidence counts more). Startup success and prompt-to-first-frame are recomputed from their
-- released sums and counts. Only days with a score (enough evidence) enter the score columns.
select
    orchestrator_address,
    region,
    pipeline,
    model,
    count(sla_score) as days_scored,
    sum(sla_requested_sessions) as sla_requested_sessions,
    sum(sla_startup_success_sessions) as sla_startup_success_sessions,
    round(sum(sla_startup_success_sessions) / nullif(sum(sla_requested_sessions), 0), 4) as startup_success_rate,
    round(sum(sla_prompt_to_first_frame_sum_ms) / nullif(sum(sla_prompt_to_first_frame_count), 0), 1) as avg_prompt_to_first_frame_ms,
    round(sum(sla_score * sla_requested_sessions) filter (where sla_score is not null)
          / nullif(sum(sla_requested_sessions) filter (where sla_score is not null), 0), 2) as sla_score
from read_parquet('live_orchestrator_daily/v1/*/part-*.parquet', filename = true)
where filename like '%/' || (select release_id from read_json('live_orchestrator_daily/latest.json')) || '/%'
  and orchestrator_address is not null
group by orchestrator_address, region, pipeline, model
order by sla_score desc nulls last, sla_requested_sessions desc, orchestrator_address, region, pipeline, model;
