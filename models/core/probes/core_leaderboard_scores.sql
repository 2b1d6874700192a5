-- Loads probe results; makes the leaderboard's aggregated_stats scores recomputed from them
-- (docs/sources.md §12.2, leaderboard-serverless score/stats_scorer.go): per query window,
-- job type, posted pipeline, model, orchestrator and region.
with probes as (
    select * from core_probe_results
),

groups as (
    -- The GROUP BY orchestrator, region, job_type, model, pipeline behind AggregatedStats.
    select
        day,
        window_from_ms,
        job_type,
        pipeline_posted,
        any_value(pipeline) as pipeline,
        model,
        orchestrator_address,
        region,
        count(*) as probe_count,
        -- Float sums in value order, so their last bits do not depend on how threads split the rows.
        sum(success_rate order by success_rate) as success_sum,
        sum(round_trip_time_s order by round_trip_time_s) as round_trip_time_sum_s,
        sum(seg_duration_s order by seg_duration_s) as seg_duration_sum_s,
        count(*) filter (where is_rtt_sample) as rtt_sample_count
    from probes
    group by day, window_from_ms, job_type, pipeline_posted, model, orchestrator_address, region
),

medians as (
    -- The handler drops the orchestrator filter before taking the median, and the stored queries
    -- (like the explorer's) name no region: one median per window and AI pipeline/model.
    select
        window_from_ms,
        pipeline_posted,
        model,
        quantile_cont(round_trip_time_s, 0.5) as median_rtt_s,
        count(*) as median_sample_count
    from probes
    where job_type = 'ai' and is_rtt_sample
    group by window_from_ms, pipeline_posted, model
),

means as (
    select
        g.*,
        g.success_sum / g.probe_count as success_rate,
        g.round_trip_time_sum_s / g.probe_count as round_trip_time_mean_s,
        g.seg_duration_sum_s / g.probe_count as seg_duration_mean_s,
        case when g.job_type = 'ai' then m.median_rtt_s end as median_rtt_s,
        case when g.job_type = 'ai' then coalesce(m.median_sample_count, 0) end as median_sample_count
    from groups as g
    left join medians as m
        on g.job_type = 'ai'
        and m.window_from_ms = g.window_from_ms
        and m.pipeline_posted = g.pipeline_posted
        and m.model = g.model
),

round_trip as (
    select
        *,
        case
            when job_type = 'transcoding' then
                case when round_trip_time_mean_s = 0 then 0.0 else 1 - exp(-(seg_duration_mean_s / round_trip_time_mean_s)) end
            -- exp(-k x mean RTT), k = -ln(0.8) / median: the network median scores 0.8.
            when coalesce(median_rtt_s, 0) <> 0 then exp(-(-ln(0.8) / median_rtt_s) * round_trip_time_mean_s)
            -- With no median the server's k is +Inf: exp(-Inf x rtt) is 0, and NaN (an error
            -- response, so no score) when the mean RTT is 0 too.
            when round_trip_time_mean_s <> 0 then 0.0
        end as round_trip_score
    from means
),

final as (
    select
        day,
        window_from_ms,
        job_type,
        pipeline_posted,
        pipeline,
        model,
        orchestrator_address,
        region,
        probe_count,
        success_sum,
        round_trip_time_sum_s,
        seg_duration_sum_s,
        rtt_sample_count,
        success_rate,
        round_trip_time_mean_s,
        seg_duration_mean_s,
        median_rtt_s,
        median_sample_count,
        round_trip_score,
        case
            when success_rate = 0 then 0.0
            when job_type = 'ai' then 0.65 * success_rate + 0.35 * round_trip_score
            else success_rate * round_trip_score
        end as score
    from round_trip
)

-- The whole key, window last: two leaderboard windows on one day must not tie (sorts run on every core).
select * from final
order by day, job_type, pipeline_posted, model, orchestrator_address, region, window_from_ms
