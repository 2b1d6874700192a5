-- Loads raw subgraph RewardEvent entities; makes one typed row per event, its LPT amount exact in
-- base units (the subgraph divides by 1e18; this multiplies back without rounding).
with source as (
    select json from raw_subgraph_rewardEvents
),

typed as (
    select
        json ->> '$.id' as event_id,
        cast(json as varchar) as record_text,
        lower(json ->> '$.transaction.id') as transaction_hash,
        try_cast(json ->> '$.transaction.blockNumber' as bigint) as block_number,
        cast(json ->> '$.timestamp' as bigint) * 1000 as event_time_ms,
        try_cast(json ->> '$.round.id' as bigint) as round,
        lower(json ->> '$.delegate.id') as orchestrator_address,
        json ->> '$.rewardTokens' as reward_text
    from source
),

plain as (
    -- BigDecimal text as plain digits (sql/macros.sql).
    select
        *,
        plain_decimal(reward_text) as reward_plain
    from typed
),

deduped as (
    -- The same entity pulled into two partitions is kept once (the first by its text, deterministically).
    select * from plain
    qualify row_number() over (partition by event_id order by record_text) = 1
),

final as (
    select
        event_id,
        transaction_hash,
        -- The id is <transaction hash>-<log index> (docs/sources.md §6.2).
        try_cast(split_part(event_id, '-', 2) as integer) as log_index,
        block_number,
        event_time_ms,
        make_timestamp(event_time_ms * 1000) as event_time,
        round,
        orchestrator_address,
        try_cast(reward_plain as decimal(38, 18)) as reward_lpt,
        base_units(reward_plain) as reward_wei
    from deduped
)

select * from final
order by event_time_ms, event_id
