-- Loads raw leaderboard raw_stats records; makes one typed row per posted probe result (§8.4), dated
-- by the insert-time window of the query that returned it.
with source as (
    select json, md5(json::varchar) as record_hash from raw_leaderboard_raw_stats
),

typed as (
    select
        -- Identical posts are distinct probes to the leaderboard (it averages both), so a repeat
        -- gets its own key instead of being dropped.
        record_hash || '-' || row_number() over (partition by record_hash) as probe_key,
        cast(round(cast(json -> '$.query' ->> 'since' as double) * 1000) as bigint) as window_from_ms,
        cast(round(cast(json -> '$.query' ->> 'until' as double) * 1000) as bigint) as window_to_ms,
        upper(json ->> '$.region') as region,
        lower(json -> '$.stats' ->> 'orchestrator') as orchestrator_address,
        coalesce(json -> '$.stats' ->> 'pipeline', '') as pipeline_posted,
        coalesce(json -> '$.stats' ->> 'model', '') as model,
        cast(json -> '$.stats' ->> 'success_rate' as double) as success_rate,
        cast(json -> '$.stats' ->> 'round_trip_time' as double) as round_trip_time_s,
        cast(json -> '$.stats' ->> 'seg_duration' as double) as seg_duration_s,
        cast(json -> '$.stats' ->> 'segments_sent' as integer) as segments_sent,
        cast(json -> '$.stats' ->> 'segments_received' as integer) as segments_received,
        cast(json -> '$.stats' ->> 'upload_time' as double) as upload_time_s,
        cast(json -> '$.stats' ->> 'download_time' as double) as download_time_s,
        cast(json -> '$.stats' ->> 'transcode_time' as double) as transcode_time_s,
        cast(round(cast(json -> '$.stats' ->> 'timestamp' as double) * 1000) as bigint) as started_at_ms,
        cast(json -> '$.stats' ->> 'model_is_warm' as boolean) as model_is_warm_posted,
        coalesce(json_array_length(json -> '$.stats' -> 'errors'), 0) as error_entries
    from source
),

final as (
    select
        probe_key,
        window_from_ms,
        window_to_ms,
        -- models.Stats.JobType: a result with both model and pipeline is an AI job.
        case when pipeline_posted <> '' and model <> '' then 'ai' else 'transcoding' end as job_type,
        region,
        orchestrator_address,
        pipeline_posted,
        model,
        success_rate,
        round_trip_time_s,
        seg_duration_s,
        segments_sent,
        segments_received,
        upload_time_s,
        download_time_s,
        transcode_time_s,
        started_at_ms,
        model_is_warm_posted,
        cast(error_entries as integer) as error_entries
    from typed
)

select * from final
order by window_from_ms, orchestrator_address, region, started_at_ms, probe_key
