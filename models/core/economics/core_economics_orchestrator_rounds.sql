-- Loads the round calendar, activation logs, subgraph pools and transcoders, and reward calls; makes
-- the active set per round and whether each active orchestrator called reward in it.
with rounds as (
    select round, started_ms, start_day, is_closed from core_economics_rounds
),

activation_logs as (
    -- Activation takes effect from activation_round, deactivation from deactivation_round.
    select orchestrator_address, activation_round as effective_round, true as activates, log_position
    from stg_chain_bondingmanager
    where event = 'TranscoderActivated'
    union all
    select orchestrator_address, deactivation_round, false, log_position
    from stg_chain_bondingmanager
    where event = 'TranscoderDeactivated'
),

activation_steps as (
    -- Two changes effective from the same round: the later log wins.
    select * from activation_logs
    qualify row_number() over (partition by orchestrator_address, effective_round order by log_position desc) = 1
),

chain_candidates as (
    select r.round, o.orchestrator_address
    from rounds as r
    cross join (select distinct orchestrator_address from activation_steps) as o
),

chain_active as (
    select
        c.round,
        c.orchestrator_address,
        s.activates as is_active_chain
    from chain_candidates as c
    asof left join activation_steps as s
        on c.orchestrator_address = s.orchestrator_address and c.round >= s.effective_round
),

pools as (
    -- Snapshots hold every pool; its latest version has the most fees and, once called, the reward.
    select * from stg_subgraph_pools
    qualify row_number() over (partition by pool_id order by fees_wei desc, reward_wei desc nulls last, version_hash) = 1
),

transcoders as (
    -- The latest version by fields that only grow between snapshots (the raw view carries no block).
    select * from stg_subgraph_transcoders
    qualify row_number() over (
        partition by orchestrator_address
        order by last_reward_round desc nulls last, last_active_stake_update_round desc nulls last, total_volume_eth desc nulls last,
            greatest(reward_cut_update_ms, fee_share_update_ms) desc nulls last, version_hash
    ) = 1
),

subgraph_active as (
    -- The subgraph's own view of the latest activation window (active from activationRound until deactivationRound).
    select r.round, t.orchestrator_address
    from rounds as r
    join transcoders as t
        on t.status = 'Registered'
        and r.round >= t.activation_round
        and (t.deactivation_round is null or r.round < t.deactivation_round)
),

calls as (
    select
        round,
        orchestrator_address,
        count(*) as reward_calls,
        sum(reward_wei) as reward_wei,
        sum(reward_lpt) as reward_lpt,
        sum(treasury_wei) as treasury_wei,
        sum(treasury_lpt) as treasury_lpt
    from core_economics_reward_calls
    where round is not null
    group by all
),

pairs as (
    select round, orchestrator_address from chain_active where is_active_chain
    union
    select round, orchestrator_address from pools where round in (select round from rounds)
    union
    select round, orchestrator_address from subgraph_active
    union
    select round, orchestrator_address from calls
),

joined as (
    select
        p.round,
        p.orchestrator_address,
        r.started_ms,
        r.start_day,
        r.is_closed,
        coalesce(c.is_active_chain, false) as is_active_chain,
        pl.pool_id is not null as is_active_pool,
        s.orchestrator_address is not null as is_active_subgraph,
        coalesce(k.reward_calls, 0) as reward_calls,
        coalesce(k.reward_wei, 0) as reward_wei,
        coalesce(k.reward_lpt, 0) as reward_lpt,
        coalesce(k.treasury_wei, 0) as treasury_wei,
        coalesce(k.treasury_lpt, 0) as treasury_lpt,
        pl.total_stake_wei as pool_stake_wei,
        pl.total_stake_lpt as pool_stake_lpt
    from pairs as p
    join rounds as r using (round)
    left join chain_active as c using (round, orchestrator_address)
    left join pools as pl using (round, orchestrator_address)
    left join subgraph_active as s using (round, orchestrator_address)
    left join calls as k using (round, orchestrator_address)
),

final as (
    select
        round,
        orchestrator_address,
        started_ms as round_started_ms,
        start_day as round_start_day,
        is_closed as is_round_closed,
        (is_active_chain or is_active_pool or is_active_subgraph) as is_active,
        is_active_chain,
        is_active_pool,
        is_active_subgraph,
        reward_calls,
        reward_wei,
        reward_lpt,
        treasury_wei,
        treasury_lpt,
        case
            when reward_calls > 0 then 'called'
            when not (is_active_chain or is_active_pool or is_active_subgraph) then 'inactive'
            when is_closed then 'missed'
            else 'pending'
        end as reward_status,
        pool_stake_wei,
        pool_stake_lpt
    from joined
)

select * from final
order by round, orchestrator_address
