-- Loads raw Minter logs; makes one typed row per log (SetCurrentRewardTokens: the round's mintable
-- LPT and inflation, emitted in the transaction that initialises the round).
with logs as (
    -- Typed, de-duplicated logs (sql/macros.sql).
    select * from chain_logs('raw_chain_minter')
),

final as (
    select
        transaction_hash, log_index, block_number, block_hash, block_time_ms, block_time, log_position, contract_address, event,
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentMintableTokens' as decimal(38, 0)) end as mintable_wei,
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentMintableTokens' as decimal(38, 0)) * 0.000000000000000001::decimal(18, 18) end as mintable_lpt,
        case when event = 'SetCurrentRewardTokens' then try_cast(args ->> '$.currentInflation' as bigint) end as inflation_ppb,
        cast(args as varchar) as args_json
    from logs
)

select * from final
order by log_position, transaction_hash, log_index
