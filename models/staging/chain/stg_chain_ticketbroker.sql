-- Loads raw TicketBroker logs; makes one typed row per log: winning tickets redeemed (gateway ->
-- orchestrator face value, exact in wei) and gateway deposit and reserve funding.
with logs as (
    -- Typed, de-duplicated logs (sql/macros.sql).
    select * from chain_logs('raw_chain_ticketbroker')
),

named as (
    select
        *,
        try_cast(case
            when event = 'WinningTicketRedeemed' then args ->> '$.faceValue'
            when event in ('DepositFunded', 'ReserveFunded', 'ReserveClaimed', 'WinningTicketTransfer') then args ->> '$.amount'
        end as decimal(38, 0)) as amount_wei,
        case when event = 'WinningTicketRedeemed' then lower(args ->> '$.auxData') end as aux_data
    from logs
),

final as (
    select
        transaction_hash, log_index, block_number, block_hash, block_time_ms, block_time, log_position, contract_address, event,
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
order by log_position, transaction_hash, log_index
