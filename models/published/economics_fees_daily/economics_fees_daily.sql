-- Loads hourly realised fees; makes fees per UTC day, gateway and orchestrator by summing the hours.
with hourly as (
    select * from core_economics_fees_hourly
    where hour >= make_timestamp(getvariable('window_from_ms') * 1000)
        and hour < make_timestamp(getvariable('window_to_ms') * 1000)
),

daily as (
    select
        day,
        gateway_address,
        orchestrator_address,
        sum(winning_tickets) as winning_tickets,
        sum(fees_wei) as fees_wei,
        sum(fees_eth) as fees_eth
    from hourly
    group by all
),

final as (
    select
        day,
        gateway_address,
        orchestrator_address,
        cast(winning_tickets as bigint) as winning_tickets,
        fees_wei,
        fees_eth
    from daily
)

select * from final
order by day, gateway_address, orchestrator_address
