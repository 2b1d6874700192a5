-- Loads raw ServiceRegistry logs; makes one typed row per log (ServiceURIUpdate: an orchestrator's
-- advertised service URI).
with logs as (
    -- Typed, de-duplicated logs (sql/macros.sql).
    select * from chain_logs('raw_chain_serviceregistry')
),

final as (
    select
        transaction_hash, log_index, block_number, block_hash, block_time_ms, block_time, log_position, contract_address, event,
        case when event = 'ServiceURIUpdate' then lower(args ->> '$.addr') end as orchestrator_address,
        case when event = 'ServiceURIUpdate' then args ->> '$.serviceURI' end as service_uri,
        cast(args as varchar) as args_json
    from logs
)

select * from final
order by log_position, transaction_hash, log_index
