-- Loads Reward and WinningTicketRedeemed events from chain logs and from the subgraph; makes one row
-- per event from either side, matched by <transaction hash>-<log index>, with both amounts.
with chain_events as (
    select 'reward' as kind, transaction_hash || '-' || log_index as event_id, block_time_ms, orchestrator_address, null::varchar as gateway_address, amount_wei
    from stg_chain_bondingmanager
    where event = 'Reward'
    union all
    select 'winning_ticket', transaction_hash || '-' || log_index, block_time_ms, orchestrator_address, gateway_address, amount_wei
    from stg_chain_ticketbroker
    where event = 'WinningTicketRedeemed'
),

subgraph_events as (
    select 'reward' as kind, event_id, event_time_ms, orchestrator_address, null::varchar as gateway_address, reward_wei as amount_wei
    from stg_subgraph_reward_events
    union all
    select 'winning_ticket', event_id, event_time_ms, orchestrator_address, gateway_address, face_value_wei
    from stg_subgraph_winning_ticket_events
),

matched as (
    select
        kind,
        event_id,
        coalesce(c.block_time_ms, s.event_time_ms) as event_time_ms,
        coalesce(c.orchestrator_address, s.orchestrator_address) as orchestrator_address,
        coalesce(c.gateway_address, s.gateway_address) as gateway_address,
        c.event_id is not null as in_chain,
        s.event_id is not null as in_subgraph,
        c.amount_wei as chain_amount_wei,
        s.amount_wei as subgraph_amount_wei,
        c.orchestrator_address is not distinct from s.orchestrator_address
            and c.gateway_address is not distinct from s.gateway_address as same_parties
    from chain_events as c
    full outer join subgraph_events as s using (kind, event_id)
),

final as (
    select
        kind,
        event_id,
        event_time_ms,
        cast(make_timestamp(event_time_ms * 1000) as date) as day,
        orchestrator_address,
        gateway_address,
        in_chain,
        in_subgraph,
        chain_amount_wei,
        subgraph_amount_wei,
        case
            when not in_subgraph then 'missing_in_subgraph'
            when not in_chain then 'missing_in_chain'
            when chain_amount_wei <> subgraph_amount_wei then 'amount_differs'
            when not same_parties then 'parties_differ'
            else 'matched'
        end as match_status
    from matched
)

select * from final
order by kind, event_time_ms, event_id
