-- Loads capability snapshot entries and ServiceRegistry URI updates; makes the service URI ->
-- on-chain address map (§14.1): what gateways saw first, the chain's registry second.
with entries as (
    select * from stg_network_capabilities
    where orch_url_norm is not null and orchestrator_address is not null
),

per_pair as (
    select
        orch_url_norm,
        orchestrator_address,
        node_address,
        min(event_ms) as first_seen_ms,
        max(event_ms) as last_seen_ms,
        count(*) as snapshot_entries
    from entries
    group by orch_url_norm, orchestrator_address, node_address
),

observed as (
    -- A URI can move to another address; the pair seen most recently wins, ties broken by address.
    select
        *,
        row_number() over (partition by orch_url_norm order by last_seen_ms desc, orchestrator_address, node_address) as rank_in_uri,
        count(*) over (partition by orch_url_norm) as observed_addresses
    from per_pair
),

registry_updates as (
    select
        lower(service_uri) as orch_url_norm,
        orchestrator_address,
        block_time_ms,
        log_position
    from stg_chain_serviceregistry
    where event = 'ServiceURIUpdate'
        and service_uri is not null
        and block_time_ms < getvariable('window_to_ms')
),

registry_current as (
    -- Only each orchestrator's latest URI is still registered to it.
    select * from registry_updates
    qualify row_number() over (partition by orchestrator_address order by log_position desc) = 1
),

registry as (
    select
        orch_url_norm,
        orchestrator_address,
        block_time_ms,
        row_number() over (partition by orch_url_norm order by log_position desc) as rank_in_uri,
        count(*) over (partition by orch_url_norm) as registered_addresses
    from registry_current
),

uris as (
    select orch_url_norm from observed
    union
    select orch_url_norm from registry
),

final as (
    select
        u.orch_url_norm,
        coalesce(o.orchestrator_address, r.orchestrator_address) as orchestrator_address,
        o.node_address,
        o.first_seen_ms,
        o.last_seen_ms,
        coalesce(o.snapshot_entries, 0) as snapshot_entries,
        greatest(coalesce(o.observed_addresses, 0), coalesce(r.registered_addresses, 0)) as addresses_for_uri,
        case
            when o.orchestrator_address is null then 'service_registry'
            when r.orchestrator_address is null then 'capabilities'
            when o.orchestrator_address = r.orchestrator_address then 'both'
            else 'conflict'
        end as source
    from uris as u
    left join observed as o on o.orch_url_norm = u.orch_url_norm and o.rank_in_uri = 1
    left join registry as r on r.orch_url_norm = u.orch_url_norm and r.rank_in_uri = 1
)

select * from final
order by orch_url_norm
