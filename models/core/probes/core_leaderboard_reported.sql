-- Loads the scores the leaderboard reported; makes them joinable with the recomputed ones (day,
-- pipeline slug) for the explorer-style view and the reproduction check.
with reported as (
    select * from stg_leaderboard_aggregated_stats
    where window_from_ms >= getvariable('history_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

final as (
    select
        cast(make_timestamp(window_from_ms * 1000) as date) as day,
        window_from_ms,
        job_type,
        pipeline_posted,
        case
            when job_type = 'transcoding' then 'transcoding'
            else trim(regexp_replace(lower(trim(pipeline_posted)), '[^a-z0-9]+', '-', 'g'), '-')
        end as pipeline,
        model,
        orchestrator_address,
        region,
        success_rate,
        round_trip_score,
        score
    from reported
)

-- The whole key, window last: two leaderboard windows on one day must not tie (sorts run on every core).
select * from final
order by day, job_type, pipeline_posted, model, orchestrator_address, region, window_from_ms
