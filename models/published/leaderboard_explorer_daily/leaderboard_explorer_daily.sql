-- Loads the scores the leaderboard reported; makes the Livepeer explorer's per-orchestrator view of
-- them: each metric x 100, GLOBAL = mean over the orchestrator's regions, top score over regions.
with reported as (
    select * from core_leaderboard_reported
    where window_from_ms >= getvariable('window_from_ms')
        and window_from_ms < getvariable('window_to_ms')
),

per_orchestrator as (
    select
        day,
        orchestrator_address,
        job_type,
        pipeline,
        model,
        pipeline_posted as leaderboard_pipeline,
        count(*) as region_count,
        -- lib/utils.tsx avg(): sum over the regions present / their number, then x 100. Averaged in
        -- value order: a float sum's last bits depend on its order, and threads would vary it.
        avg(success_rate order by success_rate) * 100 as explorer_success_rate_pct,
        avg(round_trip_score order by round_trip_score) * 100 as explorer_round_trip_score_pct,
        avg(score order by score) * 100 as explorer_score_pct,
        -- The orchestrator page's top score skips regions whose code starts with "global".
        max(score) filter (where not starts_with(lower(region), 'global')) as top_score
    from reported
    group by day, orchestrator_address, job_type, pipeline, model, pipeline_posted
),

top_region as (
    select
        r.day,
        r.orchestrator_address,
        r.job_type,
        r.pipeline_posted as leaderboard_pipeline,
        r.model,
        -- components/OrchestratingView keeps a region when `score >= prev.score` while reducing over
        -- the keys in order, and the leaderboard marshals them sorted: the last tied region wins.
        max(r.region) as top_score_region
    from reported as r
    join per_orchestrator as p
        on p.day = r.day
        and p.orchestrator_address = r.orchestrator_address
        and p.job_type = r.job_type
        and p.leaderboard_pipeline = r.pipeline_posted
        and p.model = r.model
        and r.score = p.top_score
    -- The reducer starts at { region: "N/A", score: 0 } and skips falsy scores: a top of 0 has no region.
    where p.top_score > 0 and not starts_with(lower(r.region), 'global')
    group by r.day, r.orchestrator_address, r.job_type, r.pipeline_posted, r.model
),

final as (
    select
        p.day,
        p.orchestrator_address,
        p.job_type,
        p.pipeline,
        p.model,
        p.leaderboard_pipeline,
        p.region_count,
        p.explorer_success_rate_pct,
        p.explorer_round_trip_score_pct,
        p.explorer_score_pct,
        p.top_score * 100 as explorer_top_score_pct,
        t.top_score_region
    from per_orchestrator as p
    left join top_region as t
        on t.day = p.day
        and t.orchestrator_address = p.orchestrator_address
        and t.job_type = p.job_type
        and t.leaderboard_pipeline = p.leaderboard_pipeline
        and t.model = p.model
)

select * from final
order by day, orchestrator_address, job_type, pipeline, model, leaderboard_pipeline
