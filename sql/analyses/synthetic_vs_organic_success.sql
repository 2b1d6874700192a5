-- Does an orchestrator succeed as often on organic traffic as on synthetic probes and load tests
-- for the same workflow?
-- Traffic classes are kept apart, never mixed: each success rate is summed successes over summed
-- scored requests of that class, null when the class sent it nothing scored.
select
    orchestrator_address,
    pipeline,
    model,
    sum(traffic_scored_requests) filter (where traffic_class = 'organic') as organic_scored_requests,
    sum(traffic_successes) filter (where traffic_class = 'organic') as organic_successes,
    round(sum(traffic_successes) filter (where traffic_class = 'organic')
          / nullif(sum(traffic_scored_requests) filter (where traffic_class = 'organic'), 0), 4) as organic_success_rate,
    sum(traffic_scored_requests) filter (where traffic_class = 'synthetic') as synthetic_scored_requests,
    sum(traffic_successes) filter (where traffic_class = 'synthetic') as synthetic_successes,
    round(sum(traffic_successes) filter (where traffic_class = 'synthetic')
          / nullif(sum(traffic_scored_requests) filter (where traffic_class = 'synthetic'), 0), 4) as synthetic_success_rate,
    round(organic_success_rate - synthetic_success_rate, 4) as organic_minus_synthetic
from read_parquet('workflow_traffic_daily/v1/*/part-*.parquet', filename = true)
where filename like '%/' || (select release_id from read_json('workflow_traffic_daily/latest.json')) || '/%'
  and orchestrator_address is not null
group by orchestrator_address, pipeline, model
order by organic_minus_synthetic nulls last, orchestrator_address, pipeline, model;
