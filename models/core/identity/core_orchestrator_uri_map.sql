-- Loads capability snapshot entries; makes the service URI -> on-chain address map (reference §14.1).
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

ranked as (
    -- A URI can move to another address; the pair seen most recently wins, ties broken by address.
    select
        *,
        row_number() over (partition by orch_url_norm order by last_seen_ms desc, orchestrator_address, node_address) as rank_in_uri,
        count(*) over (partition by orch_url_norm) as addresses_for_uri
    from per_pair
),

final as (
    select
        orch_url_norm,
        orchestrator_address,
        node_address,
        first_seen_ms,
        last_seen_ms,
        snapshot_entries,
        addresses_for_uri
    from ranked
    where rank_in_uri = 1
)

select * from final
order by orch_url_norm
