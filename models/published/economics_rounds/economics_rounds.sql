-- Loads the round calendar, per-orchestrator round outcomes, hourly fees and commission changes;
-- makes one row per round initialised in the window: active set, reward calls, misses, minted LPT, fees.
with rounds as (
    select * from core_economics_rounds
    where started_ms >= getvariable('window_from_ms')
        and started_ms < getvariable('window_to_ms')
),

outcomes as (
    select
        round,
        count(*) filter (where is_active) as active_rounds,
        count(*) filter (where reward_status = 'called') as rewarded_rounds,
        count(*) filter (where reward_status = 'missed') as missed_reward_rounds,
        count(*) filter (where reward_status = 'pending') as pending_reward_rounds,
        sum(reward_calls) as reward_calls,
        sum(reward_wei) as reward_wei,
        sum(reward_lpt) as reward_lpt,
        sum(treasury_wei) as treasury_wei,
        sum(treasury_lpt) as treasury_lpt,
        sum(pool_stake_lpt) filter (where is_active) as active_stake_lpt
    from core_economics_orchestrator_rounds
    group by all
),

fees as (
    select round, sum(winning_tickets) as winning_tickets, sum(fees_wei) as fees_wei, sum(fees_eth) as fees_eth
    from core_economics_fees_hourly
    where round is not null
    group by all
),

changes as (
    select round, count(*) as cut_changes
    from core_economics_cut_changes
    where is_change and round is not null
    group by all
),

joined as (
    select
        r.round,
        r.started_at,
        r.start_day,
        r.is_closed,
        coalesce(o.active_rounds, 0) as active_rounds,
        coalesce(o.rewarded_rounds, 0) as rewarded_rounds,
        coalesce(o.missed_reward_rounds, 0) as missed_reward_rounds,
        coalesce(o.pending_reward_rounds, 0) as pending_reward_rounds,
        cast(coalesce(o.reward_calls, 0) as bigint) as reward_calls,
        coalesce(o.reward_wei, 0) as reward_wei,
        coalesce(o.reward_lpt, 0) as reward_lpt,
        coalesce(o.treasury_wei, 0) as treasury_wei,
        coalesce(o.treasury_lpt, 0) as treasury_lpt,
        r.mintable_lpt,
        o.active_stake_lpt,
        cast(coalesce(f.winning_tickets, 0) as bigint) as winning_tickets,
        coalesce(f.fees_wei, 0) as fees_wei,
        coalesce(f.fees_eth, 0) as fees_eth,
        coalesce(c.cut_changes, 0) as cut_changes
    from rounds as r
    left join outcomes as o using (round)
    left join fees as f using (round)
    left join changes as c using (round)
),

rated as (
    -- Reward call rate over decided orchestrator-rounds (rewarded + missed).
    select
        *,
        rewarded_rounds + missed_reward_rounds as decided_rounds,
        case when rewarded_rounds + missed_reward_rounds > 0 then rewarded_rounds / (rewarded_rounds + missed_reward_rounds) end as reward_call_rate
    from joined
),

wilson as (
    -- Wilson 95 % interval for reward_call_rate (sql/macros.sql).
    select
        *,
        wilson_low(reward_call_rate, decided_rounds) as reward_call_rate_ci_low,
        wilson_high(reward_call_rate, decided_rounds) as reward_call_rate_ci_high
    from rated
),

final as (
    select
        round,
        started_at,
        start_day,
        is_closed,
        active_rounds,
        rewarded_rounds,
        missed_reward_rounds,
        pending_reward_rounds,
        reward_call_rate,
        reward_call_rate_ci_low,
        reward_call_rate_ci_high,
        reward_calls,
        reward_wei,
        reward_lpt,
        treasury_wei,
        treasury_lpt,
        mintable_lpt,
        active_stake_lpt,
        winning_tickets,
        fees_wei,
        fees_eth,
        cut_changes
    from wilson
)

select * from final
order by round
