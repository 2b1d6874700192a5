-- Which orchestrators does each gateway pay, and what share of the gateway's fees goes to each?
-- Fees are the face value of winning tickets redeemed on chain; the share is the pair's summed fees
-- over the gateway's summed fees (null when the gateway redeemed nothing).
with pairs as (
    select gateway_address, orchestrator_address,
        count(distinct day) as days_paid,
        sum(winning_tickets) as winning_tickets,
        sum(fees_eth) as fees_eth
    from read_parquet('economics_fees_daily/v1/*/part-*.parquet', filename = true)
    where filename like '%/' || (select release_id from read_json('economics_fees_daily/latest.json')) || '/%'
    group by gateway_address, orchestrator_address
)
select
    gateway_address,
    orchestrator_address,
    days_paid,
    winning_tickets,
    fees_eth,
    round(fees_eth / nullif(sum(fees_eth) over (partition by gateway_address), 0), 4) as share_of_gateway_fees
from pairs
order by gateway_address, fees_eth desc, orchestrator_address;
