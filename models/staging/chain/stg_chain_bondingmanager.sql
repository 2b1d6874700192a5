-- Loads raw BondingManager logs; makes one typed row per log: rewards, treasury rewards, commission
-- updates, activations, and the bonds, unbonds and rebonds that move stake. LPT amounts are kept in
-- base units (wei, exact DECIMAL(38,0)) beside the scaled LPT value.
with logs as (
    -- Typed, de-duplicated logs (sql/macros.sql).
    select * from chain_logs('raw_chain_bondingmanager')
),

named as (
    select
        *,
        -- The orchestrator a log is about: `transcoder` in the pool events, the delegate in stake events.
        lower(case
            when event in ('Reward', 'TreasuryReward', 'TranscoderUpdate', 'TranscoderActivated', 'TranscoderDeactivated', 'TranscoderSlashed') then args ->> '$.transcoder'
            when event = 'Bond' then args ->> '$.newDelegate'
            when event in ('Unbond', 'Rebond', 'EarningsClaimed') then args ->> '$.delegate'
        end) as orchestrator_address,
        try_cast(case
            when event in ('Reward', 'TreasuryReward', 'Unbond', 'Rebond', 'WithdrawStake') then args ->> '$.amount'
            when event = 'Bond' then args ->> '$.additionalAmount'
        end as decimal(38, 0)) as amount_wei
    from logs
),

final as (
    select
        transaction_hash, log_index, block_number, block_hash, block_time_ms, block_time, log_position, contract_address, event,
        orchestrator_address,
        case when event = 'Bond' then nullif(lower(args ->> '$.oldDelegate'), '0x0000000000000000000000000000000000000000') end as old_delegate_address,
        lower(coalesce(args ->> '$.delegator', args ->> '$.oldDelegator')) as delegator_address,
        amount_wei,
        amount_wei * 0.000000000000000001::decimal(18, 18) as amount_lpt,
        case when event = 'Bond' then try_cast(args ->> '$.bondedAmount' as decimal(38, 0)) end as bonded_amount_wei,
        case when event = 'TranscoderUpdate' then try_cast(args ->> '$.rewardCut' as bigint) end as reward_cut_ppm,
        case when event = 'TranscoderUpdate' then try_cast(args ->> '$.feeShare' as bigint) end as fee_share_ppm,
        case when event = 'TranscoderActivated' then try_cast(args ->> '$.activationRound' as bigint) end as activation_round,
        case when event = 'TranscoderDeactivated' then try_cast(args ->> '$.deactivationRound' as bigint) end as deactivation_round,
        cast(args as varchar) as args_json
    from named
)

select * from final
order by log_position, transaction_hash, log_index
