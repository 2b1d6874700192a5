-- For each workflow (pipeline and model), how much did gateways ask for, how much went unserved,
-- and how many GPU slots (idle + in use) did orchestrators offer and use?
-- Shares are summed parts over summed parts across the release's hours; a workflow seen only on
-- one side (demand with no supply, or the reverse) keeps its row with nulls on the other.
with demand as (
    select pipeline, model,
        sum(requested_sessions) as requested_sessions,
        sum(served_sessions) as served_sessions,
        sum(unserved_sessions) as unserved_sessions
    from read_parquet('gateway_demand_hourly/v1/*/part-*.parquet', filename = true)
    where filename like '%/' || (select release_id from read_json('gateway_demand_hourly/latest.json')) || '/%'
    group by pipeline, model
), supply as (
    select pipeline, model,
        count(*) as supply_hours,
        max(orchestrators_seen) as peak_orchestrators_seen,
        max(gpus_advertised) as peak_gpus_advertised,
        sum(total_slots) as slot_hours,
        sum(in_use_slots) as in_use_slot_hours
    from read_parquet('network_supply_hourly/v2/*/part-*.parquet', filename = true)
    where filename like '%/' || (select release_id from read_json('network_supply_hourly/latest.json')) || '/%'
    group by pipeline, model
)
select
    coalesce(d.pipeline, s.pipeline) as pipeline,
    coalesce(d.model, s.model) as model,
    d.requested_sessions,
    d.served_sessions,
    d.unserved_sessions,
    round(d.unserved_sessions / nullif(d.requested_sessions, 0), 4) as unserved_share,
    s.supply_hours,
    s.peak_orchestrators_seen,
    s.peak_gpus_advertised,
    s.slot_hours,
    s.in_use_slot_hours,
    round(s.in_use_slot_hours / nullif(s.slot_hours, 0), 4) as slot_utilisation
from demand d
full outer join supply s on d.pipeline = s.pipeline and d.model is not distinct from s.model
order by d.requested_sessions desc nulls last, pipeline, model;
