-- Loads stake-moving BondingManager logs, subgraph pools, commission updates and the active set;
-- makes each known orchestrator's state at the end of every UTC day: stake, commission, activity.
with bonding as (
    select * from stg_chain_bondingmanager
),

deltas as (
    -- Signed stake changes per delegate. A Bond that moves a delegator from another delegate carries
    -- its whole bonded amount over: the new delegate gains bondedAmount, the old one loses
    -- bondedAmount − additionalAmount (BondingManager.bond).
    select orchestrator_address, log_position, block_time_ms,
        case when old_delegate_address is null or old_delegate_address = orchestrator_address then amount_wei else bonded_amount_wei end as delta_wei
    from bonding where event = 'Bond'
    union all
    select old_delegate_address, log_position, block_time_ms, -(bonded_amount_wei - amount_wei)
    from bonding where event = 'Bond' and old_delegate_address is not null and old_delegate_address <> orchestrator_address
    union all
    select orchestrator_address, log_position, block_time_ms, -amount_wei
    from bonding where event = 'Unbond'
    union all
    -- Rewards join the orchestrator's stake; a slash removes the penalty (slashing is off on Arbitrum).
    select orchestrator_address, log_position, block_time_ms, amount_wei
    from bonding where event in ('Rebond', 'Reward')
    union all
    select orchestrator_address, log_position, block_time_ms, -try_cast(json_extract_string(args_json, '$.penalty') as decimal(38, 0))
    from bonding where event = 'TranscoderSlashed'
),

running as (
    select
        orchestrator_address,
        log_position,
        block_time_ms,
        sum(delta_wei) over (partition by orchestrator_address order by log_position rows between unbounded preceding and current row) as cumulative_wei
    from deltas
),

rounds as (
    select round, start_log_position, started_ms from core_economics_rounds
),

anchors as (
    -- Pool.totalStake is the stake when the round was initialised: a subgraph snapshot at a known log.
    select
        o.orchestrator_address,
        o.round,
        r.start_log_position as anchor_position,
        r.started_ms as anchor_ms,
        o.pool_stake_wei,
        o.is_active
    from core_economics_orchestrator_rounds as o
    join rounds as r using (round)
    where o.pool_stake_wei is not null
),

first_seen as (
    select orchestrator_address, min(first_ms) as first_seen_ms
    from (
        select orchestrator_address, min(block_time_ms) as first_ms from bonding
        where event in ('TranscoderUpdate', 'TranscoderActivated', 'Reward') group by all
        union all
        select orchestrator_address, min(round_started_ms) from core_economics_orchestrator_rounds group by all
        union all
        select orchestrator_address, min(block_time_ms) from core_economics_cut_changes group by all
        union all
        select orchestrator_address, min(epoch_ms(hour)) from core_economics_fees_hourly group by all
    )
    group by all
),

days as (
    select cast(d as date) as day, epoch_ms(d + interval 1 day) as day_end_ms
    from generate_series(
        date_trunc('day', make_timestamp(getvariable('history_from_ms') * 1000)),
        make_timestamp(getvariable('window_to_ms') * 1000) - interval 1 day,
        interval 1 day
    ) as t(d)
),

spine as (
    select d.day, d.day_end_ms, f.orchestrator_address
    from days as d
    join first_seen as f on f.first_seen_ms < d.day_end_ms
),

with_anchor as (
    select s.*, a.round as anchor_round, a.anchor_position, a.pool_stake_wei
    from spine as s
    asof left join anchors as a
        on s.orchestrator_address = a.orchestrator_address and s.day_end_ms > a.anchor_ms
),

with_end as (
    select w.*, r.cumulative_wei as cumulative_end_wei
    from with_anchor as w
    asof left join running as r
        on w.orchestrator_address = r.orchestrator_address and w.day_end_ms > r.block_time_ms
),

with_start as (
    select w.*, r.cumulative_wei as cumulative_anchor_wei
    from with_end as w
    asof left join running as r
        on w.orchestrator_address = r.orchestrator_address and w.anchor_position >= r.log_position
),

with_cut as (
    select w.*, c.reward_cut_ppm, c.fee_share_ppm
    from with_start as w
    asof left join core_economics_cut_changes as c
        on w.orchestrator_address = c.orchestrator_address and w.day_end_ms > c.block_time_ms
),

with_round as (
    select w.*, r.round as round_at_day_end
    from with_cut as w
    asof left join rounds as r on w.day_end_ms > r.started_ms
),

staked as (
    select
        *,
        -- From the last pool snapshot: its stake plus the changes logged after it; without one, every change in the data.
        case
            when anchor_round is not null then pool_stake_wei + coalesce(cumulative_end_wei, 0) - coalesce(cumulative_anchor_wei, 0)
            else coalesce(cumulative_end_wei, 0)
        end as stake_wei
    from with_round
),

final as (
    select
        w.day,
        w.orchestrator_address,
        w.stake_wei,
        w.stake_wei * 0.000000000000000001::decimal(18, 18) as stake_lpt,
        case when w.anchor_round is not null then 'subgraph_pool' else 'chain_logs' end as stake_source,
        w.anchor_round,
        w.reward_cut_ppm,
        w.fee_share_ppm,
        w.round_at_day_end,
        coalesce(o.is_active, false) as is_active
    from staked as w
    left join core_economics_orchestrator_rounds as o
        on o.round = w.round_at_day_end and o.orchestrator_address = w.orchestrator_address
)

select * from final
order by day, orchestrator_address
