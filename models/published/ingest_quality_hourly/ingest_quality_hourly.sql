-- Loads hourly ingest-quality parts; makes the published WHIP ingest quality per gateway, serving
-- orchestrator and workflow: means beside their sums and counts, proportions with Wilson intervals.
with parts as (
    select * from core_ingest_quality_hourly
),

shares as (
    select
        *,
        cast(bad_quality_samples as double) as bad_x,
        cast(quality_samples as double) as bad_n,
        cast(packets_lost as double) as loss_x,
        cast(packets_lost + packets_received as double) as loss_n
    from parts
),

final as (
    select
        hour,
        gateway_host,
        gateway_region,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        ingest_samples,
        samples_without_tracks,
        quality_samples,
        bad_quality_samples,
        case when bad_n > 0 then bad_x / bad_n end as bad_quality_share,
        -- Wilson score intervals at 95 % (sql/macros.sql).
        wilson_low(bad_x / bad_n, bad_n) as bad_quality_share_ci_low,
        wilson_high(bad_x / bad_n, bad_n) as bad_quality_share_ci_high,
        track_samples,
        jitter_samples,
        jitter_ms_sum,
        case when jitter_samples > 0 then jitter_ms_sum / jitter_samples end as avg_jitter_ms,
        p95_jitter_ms,
        packets_lost,
        packets_received,
        case when loss_n > 0 then 100 * loss_x / loss_n end as packet_loss_pct,
        100 * wilson_low(loss_x / loss_n, loss_n) as packet_loss_pct_ci_low,
        100 * wilson_high(loss_x / loss_n, loss_n) as packet_loss_pct_ci_high,
        rtt_samples,
        rtt_unknown_samples,
        rtt_ms_sum,
        case when rtt_samples > 0 then rtt_ms_sum / rtt_samples end as avg_rtt_ms
    from shares
)

select * from final
order by hour, gateway_host, orchestrator_address nulls last, attribution_status, pipeline, model
