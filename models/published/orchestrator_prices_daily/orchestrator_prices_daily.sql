-- Loads every advertised price of the window's snapshots; makes each node's prices per day: the
-- transcoding price and every AI and BYOC price, with or without a matching offer.
with prices as (
    select *, cast(hour as date) as day, coalesce(orch_url_norm, '') as node_uri from core_supply_prices
),

ranked as (
    select
        *,
        row_number() over (
            partition by day, node_uri, price_kind, capability_id, model
            order by event_ms desc, event_id desc, entry_index desc, price_index desc
        ) as recency
    from prices
),

day_parts as (
    select
        day,
        node_uri,
        price_kind,
        capability_id,
        model,
        count(*) as price_snapshots,
        min(price_wei_per_unit) as min_price_wei_per_unit,
        max(price_wei_per_unit) as max_price_wei_per_unit
    from prices
    group by all
),

final as (
    select
        r.day,
        r.node_uri as orch_url_norm,
        r.price_kind,
        r.capability_id,
        r.model,
        r.orchestrator_address,
        r.pipeline,
        r.price_unit,
        d.price_snapshots,
        r.price_per_unit_wei,
        r.pixels_per_unit,
        r.price_wei_per_unit,
        d.min_price_wei_per_unit,
        d.max_price_wei_per_unit
    from ranked as r
    join day_parts as d
        on d.day = r.day and d.node_uri = r.node_uri and d.price_kind = r.price_kind
        and d.capability_id is not distinct from r.capability_id and d.model = r.model
    where r.recency = 1
)

select * from final
order by day, orch_url_norm, price_kind desc, capability_id nulls first, model
