-- Loads Reward and TreasuryReward logs and the round calendar; makes one row per reward() call: the
-- round it was for, the LPT the orchestrator's pool received, and the treasury's cut kept apart.
with bonding as (
    select * from stg_chain_bondingmanager
    where event in ('Reward', 'TreasuryReward')
),

rewards as (
    select * from bonding where event = 'Reward'
),

treasury as (
    -- reward() logs TreasuryReward just before Reward, in the same transaction, for the same transcoder.
    select
        transaction_hash,
        orchestrator_address,
        sum(amount_wei) as treasury_wei,
        sum(amount_lpt) as treasury_lpt
    from bonding
    where event = 'TreasuryReward'
    group by all
),

rounds as (
    select round, start_log_position from core_economics_rounds
),

dated as (
    select
        r.*,
        c.round
    from rewards as r
    asof left join rounds as c on r.log_position >= c.start_log_position
),

final as (
    select
        d.transaction_hash,
        d.log_index,
        d.log_position,
        d.block_number,
        d.block_time_ms,
        d.block_time,
        cast(d.block_time as date) as day,
        d.round,
        d.orchestrator_address,
        d.amount_wei as reward_wei,
        d.amount_lpt as reward_lpt,
        coalesce(t.treasury_wei, 0) as treasury_wei,
        coalesce(t.treasury_lpt, 0) as treasury_lpt
    from dated as d
    left join treasury as t using (transaction_hash, orchestrator_address)
)

select * from final
order by log_position, transaction_hash, log_index
