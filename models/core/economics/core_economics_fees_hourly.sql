-- Loads WinningTicketRedeemed logs and the round calendar; makes realised fees per UTC hour, round,
-- gateway (ticket sender) and orchestrator (recipient): winning tickets and their face value.
with tickets as (
    select * from stg_chain_ticketbroker
    where event = 'WinningTicketRedeemed'
),

rounds as (
    select round, start_log_position from core_economics_rounds
),

dated as (
    -- The round of a log is the latest round initialised at or before it.
    select
        t.*,
        r.round
    from tickets as t
    asof left join rounds as r on t.log_position >= r.start_log_position
),

hourly as (
    select
        date_trunc('hour', block_time) as hour,
        round,
        gateway_address,
        orchestrator_address,
        count(*) as winning_tickets,
        sum(amount_wei) as fees_wei,
        sum(amount_eth) as fees_eth
    from dated
    group by all
),

final as (
    select
        hour,
        cast(hour as date) as day,
        round,
        gateway_address,
        orchestrator_address,
        winning_tickets,
        fees_wei,
        fees_eth
    from hourly
)

select * from final
order by hour, round nulls first, gateway_address, orchestrator_address
