-- Loads the recomputed and the reported leaderboard scores; makes the leaderboard's AI and
-- transcoding scores per day, orchestrator, region and workflow, reported values beside them.
with recomputed as (
    select * from core_leaderboard_scores
    where window_from_ms >= getvariable('window_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

reported as (
    select * from core_leaderboard_reported
    where window_from_ms >= getvariable('window_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

joined as (
    -- A full join: a reported score without probe rows (or the reverse) stays visible.
    select
        coalesce(c.day, r.day) as day,
        coalesce(c.orchestrator_address, r.orchestrator_address) as orchestrator_address,
        coalesce(c.region, r.region) as region,
        coalesce(c.job_type, r.job_type) as job_type,
        coalesce(c.pipeline, r.pipeline) as pipeline,
        coalesce(c.model, r.model) as model,
        coalesce(c.pipeline_posted, r.pipeline_posted) as leaderboard_pipeline,
        c.probe_count,
        c.success_sum,
        c.success_rate,
        c.round_trip_time_sum_s,
        c.round_trip_time_mean_s,
        c.seg_duration_mean_s,
        c.median_rtt_s,
        c.median_sample_count,
        c.round_trip_score,
        c.score,
        r.success_rate as reported_success_rate,
        r.round_trip_score as reported_round_trip_score,
        r.score as reported_score
    from recomputed as c
    full join reported as r
        on c.window_from_ms = r.window_from_ms
        and c.job_type = r.job_type
        and c.pipeline_posted = r.pipeline_posted
        and c.model = r.model
        and c.orchestrator_address = r.orchestrator_address
        and c.region = r.region
),

final as (
    select
        day,
        orchestrator_address,
        region,
        job_type,
        pipeline,
        model,
        leaderboard_pipeline,
        coalesce(probe_count, 0) as probe_count,
        coalesce(success_sum, 0) as probe_success_sum,
        success_rate as probe_success_rate,
        -- Wilson score interval at 95 % (sql/macros.sql).
        wilson_low(success_rate, probe_count) as probe_success_rate_ci_low,
        wilson_high(success_rate, probe_count) as probe_success_rate_ci_high,
        coalesce(round_trip_time_sum_s, 0) as probe_rtt_sum_s,
        round_trip_time_mean_s as probe_rtt_mean_s,
        seg_duration_mean_s,
        median_rtt_s as leaderboard_median_rtt_s,
        median_sample_count as leaderboard_median_sample_count,
        round_trip_score as leaderboard_round_trip_score,
        score as leaderboard_score,
        reported_success_rate,
        reported_round_trip_score,
        reported_score
    from joined
)

select * from final
order by day, orchestrator_address, region, job_type, pipeline, model, leaderboard_pipeline
