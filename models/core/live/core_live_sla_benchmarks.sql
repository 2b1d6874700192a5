-- Loads the hourly SLA parts; makes NaaP's 7-day (pipeline, model) cohort benchmarks for every day:
-- PTFF and E2E p50/p90 and output-FPS p10/p50 over the prior 7 full UTC days of hourly rows.
with hourly as (
    select * from core_live_orchestrator_hourly
),

-- One benchmark row per hourly row, with the averages the SLA score compares.
benchmark_rows as (
    select
        cast(hour as date) as day,
        pipeline,
        model,
        case when sla_prompt_to_first_frame_count > 0 then sla_prompt_to_first_frame_sum_ms / sla_prompt_to_first_frame_count end as avg_ptff_ms,
        case when sla_e2e_latency_count > 0 then sla_e2e_latency_sum_ms / sla_e2e_latency_count end as avg_e2e_ms,
        case when status_samples > 0 then output_fps_sum / status_samples end as avg_fps
    from hourly
),

cohort_days as (
    select distinct day as benchmark_day, pipeline, model from benchmark_rows
),

final as (
    select
        c.benchmark_day,
        c.pipeline,
        c.model,
        quantile_cont(r.avg_ptff_ms, 0.5) as ptff_p50_ms,
        quantile_cont(r.avg_ptff_ms, 0.9) as ptff_p90_ms,
        count(r.avg_ptff_ms) as ptff_rows,
        quantile_cont(r.avg_e2e_ms, 0.5) as e2e_p50_ms,
        quantile_cont(r.avg_e2e_ms, 0.9) as e2e_p90_ms,
        count(r.avg_e2e_ms) as e2e_rows,
        quantile_cont(r.avg_fps, 0.1) as fps_p10,
        quantile_cont(r.avg_fps, 0.5) as fps_p50,
        count(r.avg_fps) as fps_rows
    from cohort_days as c
    left join benchmark_rows as r
        on r.pipeline = c.pipeline
        and r.model = c.model
        and r.day >= c.benchmark_day - interval 7 day
        and r.day < c.benchmark_day
    group by c.benchmark_day, c.pipeline, c.model
)

select * from final
order by benchmark_day, pipeline, model
