-- Loads raw subgraph WinningTicketRedeemedEvent entities; makes one typed row per event, the face
-- value exact in wei (the subgraph divides by 1e18; this multiplies back without rounding).
with source as (
    select json from raw_subgraph_winningTicketRedeemedEvents
),

typed as (
    select
        json ->> '$.id' as event_id,
        cast(json as varchar) as record_text,
        lower(json ->> '$.transaction.id') as transaction_hash,
        try_cast(json ->> '$.transaction.blockNumber' as bigint) as block_number,
        cast(json ->> '$.timestamp' as bigint) * 1000 as event_time_ms,
        try_cast(json ->> '$.round.id' as bigint) as round,
        lower(json ->> '$.sender.id') as gateway_address,
        lower(json ->> '$.recipient.id') as orchestrator_address,
        json ->> '$.faceValue' as face_value_text,
        try_cast(json ->> '$.faceValueUSD' as double) as face_value_usd
    from source
),

plain as (
    -- BigDecimal text as plain digits (sql/macros.sql).
    select
        *,
        plain_decimal(face_value_text) as face_value_plain
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
        gateway_address,
        orchestrator_address,
        try_cast(face_value_plain as decimal(38, 18)) as face_value_eth,
        base_units(face_value_plain) as face_value_wei,
        face_value_usd
    from deduped
)

select * from final
order by event_time_ms, event_id
