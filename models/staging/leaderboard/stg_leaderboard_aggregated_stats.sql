-- Loads raw leaderboard aggregated_stats records; makes one row per orchestrator x region score the
-- leaderboard reported for a query (one AI pipeline/model, or transcoding) and its window.
with source as (
    select json from raw_leaderboard_aggregated_stats
),

queries as (
    select
        cast(round(cast(json -> '$.query' ->> 'since' as double) * 1000) as bigint) as window_from_ms,
        cast(round(cast(json -> '$.query' ->> 'until' as double) * 1000) as bigint) as window_to_ms,
        coalesce(json -> '$.query' ->> 'pipeline', '') as pipeline_posted,
        coalesce(json -> '$.query' ->> 'model', '') as model,
        lower(json ->> '$.orchestrator') as orchestrator_address,
        json -> '$.regions' as regions
    from source
),

entries as (
    select
        window_from_ms,
        window_to_ms,
        pipeline_posted,
        model,
        orchestrator_address,
        unnest(json_keys(regions)) as region,
        regions
    from queries
),

final as (
    select
        window_from_ms,
        window_to_ms,
        -- The server treats a query with pipeline and model as AI, one without as transcoding.
        case when pipeline_posted <> '' then 'ai' else 'transcoding' end as job_type,
        pipeline_posted,
        model,
        orchestrator_address,
        upper(region) as region,
        cast((regions -> region) ->> 'success_rate' as double) as success_rate,
        cast((regions -> region) ->> 'round_trip_score' as double) as round_trip_score,
        cast((regions -> region) ->> 'score' as double) as score
    from entries
)

select * from final
order by window_from_ms, job_type, pipeline_posted, model, orchestrator_address, region
