-- Loads raw RoundsManager logs; makes one typed row per log (NewRound: the round and its L1 block hash).
with logs as (
    -- Typed, de-duplicated logs (sql/macros.sql).
    select * from chain_logs('raw_chain_roundsmanager')
),

final as (
    select
        transaction_hash, log_index, block_number, block_hash, block_time_ms, block_time, log_position, contract_address, event,
        case when event = 'NewRound' then try_cast(args ->> '$.round' as bigint) end as round,
        case when event = 'NewRound' then lower(args ->> '$.blockHash') end as round_block_hash,
        cast(args as varchar) as args_json
    from logs
)

select * from final
order by log_position, transaction_hash, log_index
