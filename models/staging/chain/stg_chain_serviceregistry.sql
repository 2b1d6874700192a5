-- Loads raw ServiceRegistry logs; makes one typed row per log (ServiceURIUpdate: an orchestrator's
-- advertised service URI).
with source as (
    select json from raw_chain_serviceregistry
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
        case when event = 'ServiceURIUpdate' then lower(args ->> '$.addr') end as orchestrator_address,
        case when event = 'ServiceURIUpdate' then args ->> '$.serviceURI' end as service_uri,
        cast(args as varchar) as args_json
    from deduped
)

select * from final
order by log_position
