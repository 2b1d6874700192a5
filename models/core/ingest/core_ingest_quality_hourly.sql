-- Loads ingest samples, their track entries and live sessions; makes hourly ingest-quality parts per
-- gateway, serving orchestrator and workflow: sample counts, jitter, packet-loss counter steps, RTT.
with samples as (
    select * from stg_stream_ingest_metrics
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

tracks_all as (
    select * from stg_stream_ingest_tracks
),

sessions as (
    select stream_id, request_id, orchestrator_address, attribution_status, pipeline, model
    from core_live_sessions
),

regions as (
    select host_key as gateway_host, region as gateway_region from core_host_regions
    where host_kind = 'gateway'
),

track_steps as (
    -- Packet counters are cumulative per track; an hour gets the packets counted since the previous
    -- sample of the same track, so the lag runs over every loaded sample before the window filter.
    select
        *,
        packets_lost_total - lag(packets_lost_total) over w as lost_step,
        packets_received_total - lag(packets_received_total) over w as received_step
    from tracks_all
    window w as (partition by stream_id, request_id, track_type order by event_ms, event_id)
),

tracks as (
    select
        event_id,
        track_index,
        jitter_ms,
        -- A first sample counts from 0; a counter that went backwards restarted, so its value is new.
        case when lost_step is null or lost_step < 0 then packets_lost_total else lost_step end as packets_lost,
        case when received_step is null or received_step < 0 then packets_received_total else received_step end as packets_received,
        -- rtt 0 means no measurement was available: unknown, not an instant round trip.
        case when rtt_ns > 0 then rtt_ns end as rtt_ns
    from track_steps
),

attributed as (
    -- Samples carry no orchestrator; the session they belong to names the one that served it last.
    select
        date_trunc('hour', make_timestamp(s.event_ms * 1000)) as hour,
        s.gateway_host,
        coalesce(g.gateway_region, 'unknown') as gateway_region,
        v.orchestrator_address,
        coalesce(v.attribution_status, 'no_session') as attribution_status,
        coalesce(v.pipeline, '') as pipeline,
        coalesce(v.model, '') as model,
        s.event_id,
        s.conn_quality,
        s.track_count,
        t.track_index,
        t.jitter_ms,
        t.packets_lost,
        t.packets_received,
        t.rtt_ns
    from samples as s
    left join sessions as v using (stream_id, request_id)
    left join regions as g using (gateway_host)
    left join tracks as t using (event_id)
),

final as (
    -- One row per sample and track (a sample without tracks gives one row), so sample counts are
    -- distinct envelope ids and track counts are rows with a track.
    select
        hour,
        gateway_host,
        gateway_region,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        count(distinct event_id) as ingest_samples,
        count(distinct event_id) filter (where track_count = 0) as samples_without_tracks,
        count(distinct event_id) filter (where conn_quality is not null) as quality_samples,
        count(distinct event_id) filter (where conn_quality = 'bad') as bad_quality_samples,
        count(track_index) as track_samples,
        count(jitter_ms) as jitter_samples,
        -- Summed as decimals so the total does not depend on the order rows are added in.
        cast(sum(cast(jitter_ms as decimal(18, 6))) as double) as jitter_ms_sum,
        quantile_cont(jitter_ms, 0.95) as p95_jitter_ms,
        cast(coalesce(sum(packets_lost), 0) as bigint) as packets_lost,
        cast(coalesce(sum(packets_received), 0) as bigint) as packets_received,
        count(rtt_ns) as rtt_samples,
        count(track_index) - count(rtt_ns) as rtt_unknown_samples,
        sum(rtt_ns) * 1e-6 as rtt_ms_sum
    from attributed
    group by all
)

select * from final
order by hour, gateway_host, orchestrator_address nulls last, attribution_status, pipeline, model
