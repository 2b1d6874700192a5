-- Loads ticket batches; makes the gateway host -> on-chain sender map, since live sessions name a
-- gateway only by its envelope host while payments name both.
with payments as (
    select gateway_host, gateway_address, event_ms from stg_create_new_payment
    where gateway_address is not null
        and event_ms >= getvariable('history_from_ms') and event_ms < getvariable('window_to_ms')
),

per_pair as (
    select
        gateway_host,
        gateway_address,
        count(*) as payment_events,
        max(event_ms) as last_seen_ms
    from payments
    group by gateway_host, gateway_address
),

final as (
    -- Several gateways can share one host value (an empty -gatewayHost most of all); then the host
    -- names no single sender and the address stays NULL.
    select
        gateway_host,
        case when count(*) = 1 then min(gateway_address) end as gateway_address,
        count(*) as senders_for_host,
        cast(sum(payment_events) as bigint) as payment_events,
        max(last_seen_ms) as last_seen_ms
    from per_pair
    group by gateway_host
)

select * from final
order by gateway_host
