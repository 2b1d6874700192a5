-- Loads discovery candidates and the URI map; makes one row per orchestrator candidate of each
-- selection in the window, attributed to its on-chain address.
with candidates as (
    select * from stg_discovery_results
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

node_map as (
    -- A node address names one orchestrator; when it was seen with several, it stays unresolved.
    select node_address, min(orchestrator_address) as orchestrator_address
    from core_orchestrator_uri_map
    where node_address is not null
    group by node_address
    having count(distinct orchestrator_address) = 1
),

final as (
    select
        c.event_id,
        c.candidate_index,
        c.event_ms,
        date_trunc('hour', make_timestamp(c.event_ms * 1000)) as hour,
        c.gateway_host,
        c.node_address,
        c.orch_url_norm,
        coalesce(u.orchestrator_address, n.orchestrator_address) as orchestrator_address,
        case when coalesce(u.orchestrator_address, n.orchestrator_address) is null then 'unresolved' else 'resolved' end as attribution_status,
        c.latency_ms,
        c.latency_ms is null as is_latency_unparsed
    from candidates as c
    left join uri_map as u using (orch_url_norm)
    left join node_map as n using (node_address)
)

select * from final
order by event_ms, event_id, candidate_index
