-- Loads raw TicketBroker logs; makes one typed row per log: winning tickets redeemed (gateway ->
-- orchestrator face value, exact in wei) and gateway deposit and reserve funding.
with source as (
    select json from raw_chain_ticketbroker
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
        try_cast(case
            when event = 'WinningTicketRedeemed' then args ->> '$.faceValue'
            when event in ('DepositFunded', 'ReserveFunded', 'ReserveClaimed', 'WinningTicketTransfer') then args ->> '$.amount'
        end as decimal(38, 0)) as amount_wei,
        case when event = 'WinningTicketRedeemed' then lower(args ->> '$.auxData') end as aux_data
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
        -- The gateway: ticket sender, or the holder of the deposit and reserve.
        lower(coalesce(args ->> '$.sender', args ->> '$.reserveHolder')) as gateway_address,
        case when event in ('WinningTicketRedeemed', 'WinningTicketTransfer') then lower(args ->> '$.recipient') end as orchestrator_address,
        amount_wei,
        amount_wei * 0.000000000000000001::decimal(18, 18) as amount_eth,
        -- winProb is a uint256 scaled by 2^256 - 1; kept as text, and as a probability (in a double,
        -- dividing by 2^256 - 1 and multiplying by 2^-256 give the same value).
        case when event = 'WinningTicketRedeemed' then args ->> '$.winProb' end as win_prob_uint256,
        case when event = 'WinningTicketRedeemed' then try_cast(args ->> '$.winProb' as double) * pow(2.0, -256) end as win_prob,
        -- auxData is 64 bytes: the ticket's creation round, then that round's block hash.
        -- (DuckDB parses at most 16 hex digits, so the leading zeros go first; round 0 is '0x0'.)
        case when length(aux_data) = 130 then try_cast('0x' || coalesce(nullif(ltrim(substr(aux_data, 3, 64), '0'), ''), '0') as bigint) end as creation_round,
        cast(args as varchar) as args_json
    from named
)

select * from final
order by log_position
