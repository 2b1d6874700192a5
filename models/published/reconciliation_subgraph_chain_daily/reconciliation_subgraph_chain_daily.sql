-- Loads the event-level match of chain logs and subgraph events; makes per UTC day and orchestrator
-- the reward and fee totals from each source, their difference, and whether they match.
with events as (
    select * from core_economics_source_matches
    where event_time_ms >= getvariable('window_from_ms')
        and event_time_ms < getvariable('window_to_ms')
),

daily as (
    select
        day,
        orchestrator_address,
        coalesce(sum(chain_amount_wei) filter (where kind = 'reward'), 0) as chain_reward_wei,
        coalesce(sum(subgraph_amount_wei) filter (where kind = 'reward'), 0) as subgraph_reward_wei,
        count(*) filter (where kind = 'reward' and in_chain) as chain_reward_calls,
        count(*) filter (where kind = 'reward' and in_subgraph) as subgraph_reward_calls,
        coalesce(sum(chain_amount_wei) filter (where kind = 'winning_ticket'), 0) as chain_fees_wei,
        coalesce(sum(subgraph_amount_wei) filter (where kind = 'winning_ticket'), 0) as subgraph_fees_wei,
        count(*) filter (where kind = 'winning_ticket' and in_chain) as chain_winning_tickets,
        count(*) filter (where kind = 'winning_ticket' and in_subgraph) as subgraph_winning_tickets,
        count(*) filter (where match_status <> 'matched') as unmatched_events
    from events
    group by all
),

final as (
    select
        day,
        orchestrator_address,
        chain_reward_wei,
        subgraph_reward_wei,
        subgraph_reward_wei - chain_reward_wei as reward_diff_wei,
        chain_reward_calls,
        subgraph_reward_calls,
        chain_fees_wei,
        subgraph_fees_wei,
        subgraph_fees_wei - chain_fees_wei as fees_diff_wei,
        chain_winning_tickets,
        subgraph_winning_tickets,
        unmatched_events,
        case when unmatched_events = 0 then 'matched' else 'mismatched' end as status
    from daily
)

select * from final
order by day, orchestrator_address
