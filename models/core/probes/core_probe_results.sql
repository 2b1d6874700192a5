-- Loads typed probe results and their error entries; makes one row per probe in the leaderboard's
-- terms (§12.2): the day of the insert-time window it was returned for, the workflow as a slug,
-- RTT and segment duration with the leaderboard's zero default, and whether it is an RTT sample.
with probes as (
    select * from stg_leaderboard_probes
    where window_from_ms >= getvariable('history_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

errors as (
    -- An entry without a count still reports its code once.
    select probe_key, sum(coalesce(error_count_posted, 1)) as error_count
    from stg_leaderboard_probe_errors
    group by probe_key
),

normalised as (
    select
        p.*,
        -- Display names ("Text to image") and slugs ("text-to-image") name the same pipeline (§8.6).
        case
            when p.job_type = 'transcoding' then 'transcoding'
            else trim(regexp_replace(lower(trim(p.pipeline_posted)), '[^a-z0-9]+', '-', 'g'), '-')
        end as pipeline,
        coalesce(e.error_count, 0) as error_count
    from probes as p
    left join errors as e using (probe_key)
),

final as (
    select
        probe_key,
        cast(make_timestamp(window_from_ms * 1000) as date) as day,
        window_from_ms,
        window_to_ms,
        job_type,
        region,
        orchestrator_address,
        pipeline_posted,
        pipeline,
        model,
        started_at_ms,
        model_is_warm,
        success_rate,
        -- The leaderboard averages omitted (NULL) timings as 0.
        coalesce(round_trip_time_s, 0) as round_trip_time_s,
        coalesce(seg_duration_s, 0) as seg_duration_s,
        -- The population of the leaderboard's median RTT: full success with a measured RTT.
        (success_rate = 1 and coalesce(round_trip_time_s, 0) <> 0) as is_rtt_sample,
        cast(error_count as bigint) as error_count
    from normalised
)

select * from final
order by day, orchestrator_address, region, job_type, pipeline_posted, model, started_at_ms, probe_key
