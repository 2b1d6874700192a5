-- Loads raw subgraph Pool entities (one per orchestrator per round in the active set); makes one
-- typed row per distinct version seen in any snapshot: stake at the round's start, fees, and the
-- reward tokens (NULL until reward() is called).
with source as (
    select json from raw_subgraph_pools
),

typed as (
    select
        json ->> '$.id' as pool_id,
        md5(cast(json as varchar)) as version_hash,
        try_cast(json ->> '$.round.id' as bigint) as round,
        lower(json ->> '$.delegate.id') as orchestrator_address,
        json ->> '$.totalStake' as stake_text,
        json ->> '$.fees' as fees_text,
        json ->> '$.rewardTokens' as reward_text,
        try_cast(json ->> '$.rewardCut' as bigint) as reward_cut_ppm,
        try_cast(json ->> '$.feeShare' as bigint) as fee_share_ppm
    from source
),

plain as (
    -- BigDecimal text as plain digits (sql/macros.sql).
    select
        * exclude (stake_text, fees_text, reward_text),
        plain_decimal(stake_text) as stake_plain,
        plain_decimal(fees_text) as fees_plain,
        plain_decimal(reward_text) as reward_plain
    from typed
),

final as (
    -- Base units: integer part × 1e18 + the fraction padded to 18 digits (exact; amounts are never negative).
    select distinct
        pool_id,
        version_hash,
        round,
        orchestrator_address,
        try_cast(stake_plain as decimal(38, 18)) as total_stake_lpt,
        base_units(stake_plain) as total_stake_wei,
        try_cast(fees_plain as decimal(38, 18)) as fees_eth,
        base_units(fees_plain) as fees_wei,
        try_cast(reward_plain as decimal(38, 18)) as reward_lpt,
        base_units(reward_plain) as reward_wei,
        reward_cut_ppm,
        fee_share_ppm
    from plain
)

select * from final
order by round, orchestrator_address, version_hash, pool_id
