-- Loads raw BondingManager logs; makes one typed row per log: rewards, treasury rewards, commission
-- updates, activations, and the bonds, unbonds and rebonds that move stake. LPT amounts are kept in
-- base units (wei, exact DECIMAL(38,0)) beside the scaled LPT value.
with source as (
    select json from raw_chain_bondingmanager
),

typed as (
    select
        lower(json ->> '$.transactionHash') as transaction_hash,
        cast(json ->> '$.logIndex' as integer) as log_index,
        cast(json ->> '$.blockNumber' as bigint) as block_number,
        lower(json ->> '$.blockHash') as block_hash,
        cast(json ->> '$.block_timestamp' as bigint) * 1000 as block_time_ms,
        lower(json ->> '$.address') as contract_address,
        json ->> '$.decoded.event' as event,
        json -> '$.decoded.args' as args
    from source
),

deduped as (
    -- A log re-read into two partitions (overlapping ranges after a reorg) is kept once.
    select * from typed
    qualify row_number() over (partition by transaction_hash, log_index order by block_number desc, block_hash) = 1
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
    from deduped
),

final as (
    select
        transaction_hash,
        log_index,
        block_number,
        block_hash,
        block_time_ms,
        make_timestamp(block_time_ms * 1000) as block_time,
        block_number * 1000000 + log_index as log_position,
        contract_address,
        event,
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
order by log_position
