-- Loads raw subgraph Transcoder entities; makes one typed row per distinct version seen in any
-- snapshot: the orchestrator's activation window, commission, stake and last reward round.
with source as (
    select json from raw_subgraph_transcoders
),

typed as (
    select
        lower(json ->> '$.id') as orchestrator_address,
        md5(cast(json as varchar)) as version_hash,
        cast(json ->> '$.active' as boolean) as active,
        json ->> '$.status' as status,
        try_cast(json ->> '$.activationRound' as bigint) as activation_round,
        json ->> '$.deactivationRound' as deactivation_round_text,
        try_cast(json ->> '$.lastRewardRound.id' as bigint) as last_reward_round,
        try_cast(json ->> '$.lastActiveStakeUpdateRound' as bigint) as last_active_stake_update_round,
        try_cast(json ->> '$.rewardCut' as bigint) as reward_cut_ppm,
        try_cast(json ->> '$.feeShare' as bigint) as fee_share_ppm,
        try_cast(json ->> '$.rewardCutUpdateTimestamp' as bigint) * 1000 as reward_cut_update_ms,
        try_cast(json ->> '$.feeShareUpdateTimestamp' as bigint) * 1000 as fee_share_update_ms,
        json ->> '$.totalStake' as stake_text,
        try_cast(json ->> '$.totalVolumeETH' as decimal(38, 18)) as total_volume_eth,
        json ->> '$.serviceURI' as service_uri
    from source
),

plain as (
    -- BigDecimal text as plain digits (sql/macros.sql).
    select
        * exclude (stake_text),
        plain_decimal(stake_text) as stake_plain
    from typed
),

final as (
    select distinct
        orchestrator_address,
        version_hash,
        active,
        status,
        activation_round,
        -- While active the subgraph holds a 2^255 − 1 sentinel here; a real round fits a BIGINT.
        try_cast(deactivation_round_text as bigint) as deactivation_round,
        last_reward_round,
        last_active_stake_update_round,
        reward_cut_ppm,
        fee_share_ppm,
        reward_cut_update_ms,
        fee_share_update_ms,
        try_cast(stake_plain as decimal(38, 18)) as total_stake_lpt,
        -- Base units: integer part × 1e18 + the fraction padded to 18 digits (exact; stake is never negative).
        base_units(stake_plain) as total_stake_wei,
        total_volume_eth,
        service_uri
    from plain
)

select * from final
order by orchestrator_address, version_hash
