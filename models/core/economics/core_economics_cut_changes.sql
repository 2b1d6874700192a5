-- Loads TranscoderUpdate logs and the round calendar; makes the commission history: each update with
-- the values before it and the change.
with updates as (
    select * from stg_chain_bondingmanager
    where event = 'TranscoderUpdate'
),

rounds as (
    select round, start_log_position from core_economics_rounds
),

dated as (
    select
        u.*,
        r.round
    from updates as u
    asof left join rounds as r on u.log_position >= r.start_log_position
),

with_previous as (
    select
        *,
        lag(reward_cut_ppm) over (partition by orchestrator_address order by log_position) as previous_reward_cut_ppm,
        lag(fee_share_ppm) over (partition by orchestrator_address order by log_position) as previous_fee_share_ppm
    from dated
),

final as (
    select
        transaction_hash,
        log_index,
        log_position,
        block_time_ms,
        block_time,
        cast(block_time as date) as day,
        round,
        orchestrator_address,
        reward_cut_ppm,
        fee_share_ppm,
        reward_cut_ppm / 10000 as reward_cut_pct,
        fee_share_ppm / 10000 as fee_share_pct,
        previous_reward_cut_ppm,
        previous_fee_share_ppm,
        reward_cut_ppm - previous_reward_cut_ppm as reward_cut_change_ppm,
        fee_share_ppm - previous_fee_share_ppm as fee_share_change_ppm,
        previous_reward_cut_ppm is null as is_first_update,
        -- A change is an update that moves either value; the first update sets them.
        coalesce(reward_cut_ppm <> previous_reward_cut_ppm or fee_share_ppm <> previous_fee_share_ppm, false) as is_change
    from with_previous
)

select * from final
order by log_position, transaction_hash, log_index
