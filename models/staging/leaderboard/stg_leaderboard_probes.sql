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
        -- `errors` has no omitempty: [] is an empty list, null means the poster sent none (§8.4).
        case when json_type(json -> '$.stats' -> 'errors') = 'ARRAY' then json_array_length(json -> '$.stats' -> 'errors') end as error_entries
    from source
),

classified as (
    select
        *,
        -- models.Stats.JobType: a result with both model and pipeline is an AI job.
        case when pipeline_posted <> '' and model <> '' then 'ai' else 'transcoding' end as job_type
    from typed
),

final as (
    select
        probe_key,
        window_from_ms,
        window_to_ms,
        job_type,
        region,
        orchestrator_address,
        pipeline_posted,
        model,
        success_rate,
        round_trip_time_s,
        -- What is returned is the leaderboard's re-encoding of models.Stats (§8.4): the counters are
        -- omitempty ints, so a transcoding run that sent or received nothing arrives without the key
        -- and the key's absence means 0. They do not apply to AI jobs: NULL there. The float timings
        -- are omitempty too, but the orch-tester averages no samples to 0 (§9.1), so an absent
        -- timing was not measured: NULL, and core applies the leaderboard's zero default.
        seg_duration_s,
        case when job_type = 'transcoding' then coalesce(segments_sent, 0) end as segments_sent,
        case when job_type = 'transcoding' then coalesce(segments_received, 0) end as segments_received,
        upload_time_s,
        download_time_s,
        transcode_time_s,
        started_at_ms,
        -- The AI tester always posts model_is_warm (no omitempty in its struct, §9.2); the server's
        -- re-encoding drops false (omitempty), so absent means cold. Transcoding has no model: NULL.
        case when job_type = 'ai' then coalesce(model_is_warm_posted, false) end as model_is_warm,
        cast(error_entries as integer) as error_entries
    from classified
)

select * from final
order by window_from_ms, orchestrator_address, region, started_at_ms, probe_key
