-- Loads raw Minter logs; makes one typed row per log (SetCurrentRewardTokens: the round's mintable
-- LPT and inflation, emitted in the transaction that initialises the round).
with source as (
    select json from raw_chain_minter
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
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentMintableTokens' as decimal(38, 0)) end as mintable_wei,
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentMintableTokens' as decimal(38, 0)) * 0.000000000000000001::decimal(18, 18) end as mintable_lpt,
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentInflation' as bigint) end as inflation_ppb,
        cast(args as varchar) as args_json
    from deduped
)

select * from final
order by log_position
