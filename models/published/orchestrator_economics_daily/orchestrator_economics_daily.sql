-- Loads each orchestrator's daily state, fees, reward calls, round outcomes and commission changes;
-- makes one economics row per orchestrator and UTC day of the window.
with days as (
    select * from core_economics_orchestrator_days
    where day >= cast(make_timestamp(getvariable('window_from_ms') * 1000) as date)
        and day < cast(make_timestamp(getvariable('window_to_ms') * 1000) as date)
),

fees as (
    select day, orchestrator_address, sum(winning_tickets) as winning_tickets, sum(fees_wei) as fees_wei, sum(fees_eth) as fees_eth
    from core_economics_fees_hourly
    group by all
),

rewards as (
    select
        day,
        orchestrator_address,
        count(*) as reward_calls,
        sum(reward_wei) as reward_wei,
        sum(reward_lpt) as reward_lpt,
        sum(treasury_wei) as treasury_wei,
        sum(treasury_lpt) as treasury_lpt
    from core_economics_reward_calls
    group by all
),

round_outcomes as (
    -- Rounds count on the day they started.
    select
        round_start_day as day,
        orchestrator_address,
        count(*) filter (where is_active) as active_rounds,
        count(*) filter (where reward_status = 'called') as rewarded_rounds,
        count(*) filter (where reward_status = 'missed') as missed_reward_rounds,
        count(*) filter (where reward_status = 'pending') as pending_reward_rounds
    from core_economics_orchestrator_rounds
    group by all
),

cut_changes as (
    select
        day,
        orchestrator_address,
        count(*) as cut_changes,
        sum(reward_cut_change_ppm) as reward_cut_change_ppm,
        sum(fee_share_change_ppm) as fee_share_change_ppm
    from core_economics_cut_changes
    where is_change
    group by all
),

joined as (
    select
        d.day,
        d.orchestrator_address,
        cast(coalesce(f.winning_tickets, 0) as bigint) as winning_tickets,
        coalesce(f.fees_wei, 0) as fees_wei,
        coalesce(f.fees_eth, 0) as fees_eth,
        coalesce(r.reward_calls, 0) as reward_calls,
        coalesce(r.reward_wei, 0) as reward_wei,
        coalesce(r.reward_lpt, 0) as reward_lpt,
        coalesce(r.treasury_wei, 0) as treasury_wei,
        coalesce(r.treasury_lpt, 0) as treasury_lpt,
        coalesce(o.active_rounds, 0) as active_rounds,
        coalesce(o.rewarded_rounds, 0) as rewarded_rounds,
        coalesce(o.missed_reward_rounds, 0) as missed_reward_rounds,
        coalesce(o.pending_reward_rounds, 0) as pending_reward_rounds,
        d.reward_cut_ppm,
        d.fee_share_ppm,
        coalesce(c.cut_changes, 0) as cut_changes,
        coalesce(c.reward_cut_change_ppm, 0) as reward_cut_change_ppm,
        coalesce(c.fee_share_change_ppm, 0) as fee_share_change_ppm,
        d.stake_wei,
        d.stake_lpt,
        d.stake_source,
        d.is_active
    from days as d
    left join fees as f using (day, orchestrator_address)
    left join rewards as r using (day, orchestrator_address)
    left join round_outcomes as o using (day, orchestrator_address)
    left join cut_changes as c using (day, orchestrator_address)
),

rated as (
    -- Reward call rate over decided rounds (rewarded + missed); pending rounds wait for their outcome.
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
        day,
        orchestrator_address,
        winning_tickets,
        fees_wei,
        fees_eth,
        reward_calls,
        reward_wei,
        reward_lpt,
        treasury_wei,
        treasury_lpt,
        active_rounds,
        rewarded_rounds,
        missed_reward_rounds,
        pending_reward_rounds,
        reward_call_rate,
        reward_call_rate_ci_low,
        reward_call_rate_ci_high,
        reward_cut_ppm,
        fee_share_ppm,
        reward_cut_ppm / 10000 as reward_cut_pct,
        fee_share_ppm / 10000 as fee_share_pct,
        cut_changes,
        reward_cut_change_ppm / 10000 as reward_cut_change_pct,
        fee_share_change_ppm / 10000 as fee_share_change_pct,
        stake_wei,
        stake_lpt,
        stake_source,
        is_active
    from wilson
)

select * from final
order by day, orchestrator_address
