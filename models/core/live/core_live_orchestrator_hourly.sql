-- Loads live sessions and their status samples; makes the additive hourly parts of NaaP's demand and
-- SLA rows per orchestrator, region and workflow, each anchored as NaaP anchors it (§12.1).
with sessions as (
    select * from core_live_sessions
),

samples as (
    select * from core_live_status_samples
    where not is_terminal_tail
),

-- RULE-LIFECYCLE-008: a requested session counts once, in the hour it was requested.
demand as (
    select
        date_trunc('hour', make_timestamp(requested_at_ms * 1000)) as hour,
        orchestrator_address,
        attribution_status,
        region,
        pipeline,
        model,
        count(*) as requested_sessions,
        count(*) filter (where is_startup_success) as startup_success_sessions,
        count(*) filter (where excusal = 'none') as startup_failed_sessions,
        count(*) filter (where excusal = 'no_orch') as no_orch_sessions,
        count(*) filter (where excusal = 'excusable_error') as excusable_error_sessions,
        count(*) filter (where is_loading_only) as loading_only_sessions,
        count(*) filter (where is_zero_output_fps) as zero_output_fps_sessions,
        count(*) filter (where is_loading_only or is_zero_output_fps) as output_failed_sessions,
        count(*) filter (where excusal = 'none' or is_loading_only or is_zero_output_fps) as effective_failed_sessions,
        count(*) filter (where swap_kind = 'confirmed') as confirmed_swapped_sessions,
        count(*) filter (where swap_kind = 'inferred') as inferred_swapped_sessions,
        count(*) filter (where swap_kind is not null) as swapped_sessions,
        -- Latency means are over sessions with a positive value, as NaaP's resolver counts them.
        coalesce(sum(startup_latency_ms) filter (where startup_latency_ms > 0), 0)::bigint as startup_latency_sum_ms,
        count(*) filter (where startup_latency_ms > 0) as startup_latency_count,
        coalesce(sum(e2e_latency_ms) filter (where e2e_latency_ms > 0), 0)::bigint as e2e_latency_sum_ms,
        count(*) filter (where e2e_latency_ms > 0) as e2e_latency_count,
        coalesce(sum(prompt_to_first_frame_ms) filter (where prompt_to_first_frame_ms > 0), 0)::bigint as prompt_to_first_frame_sum_ms,
        count(*) filter (where prompt_to_first_frame_ms > 0) as prompt_to_first_frame_count
    from sessions
    where is_requested
    group by all
),

session_hours as (
    select
        hour,
        session_key,
        count(*) as status_samples,
        -- Exact decimal sums (1e-6 fps): the same rows give the same bytes whatever the summation order.
        sum(output_fps::decimal(18, 6)) as output_fps_sum,
        sum((output_fps * output_fps)::decimal(18, 6)) as output_fps_sq_sum
    from samples
    group by hour, session_key
),

-- RULE-LIFECYCLE-009: a session counts once in every hour it has attributed status samples,
-- terminal-tail hours dropped, with its session-level flags and latencies each time.
sla as (
    select
        h.hour,
        s.orchestrator_address,
        s.attribution_status,
        s.region,
        s.pipeline,
        s.model,
        count(*) filter (where s.is_requested) as sla_requested_sessions,
        count(*) filter (where s.is_requested and s.is_startup_success) as sla_startup_success_sessions,
        count(*) filter (where s.is_requested and s.swap_kind is not null) as sla_swapped_sessions,
        count(*) filter (where s.is_requested and (s.is_loading_only or s.is_zero_output_fps)) as sla_output_failed_sessions,
        sum(s.health_signals)::bigint as sla_health_signals,
        sum(s.health_signals_expected)::bigint as sla_health_signals_expected,
        coalesce(sum(s.prompt_to_first_frame_ms) filter (where s.prompt_to_first_frame_ms > 0), 0)::bigint as sla_prompt_to_first_frame_sum_ms,
        count(*) filter (where s.prompt_to_first_frame_ms > 0) as sla_prompt_to_first_frame_count,
        coalesce(sum(s.e2e_latency_ms) filter (where s.e2e_latency_ms > 0), 0)::bigint as sla_e2e_latency_sum_ms,
        count(*) filter (where s.e2e_latency_ms > 0) as sla_e2e_latency_count,
        sum(h.status_samples)::bigint as status_samples,
        -- Still the exact decimals of session_hours (the cast says so): order-independent.
        sum(h.output_fps_sum::decimal(38, 6)) as output_fps_sum,
        sum(h.output_fps_sq_sum::decimal(38, 6)) as output_fps_sq_sum
    from session_hours as h
    inner join sessions as s using (session_key)
    group by all
),

combined as (
    select * from demand
    union all by name
    select * from sla
),

final as (
    select
        hour,
        orchestrator_address,
        attribution_status,
        region,
        pipeline,
        model,
        coalesce(sum(requested_sessions), 0)::bigint as requested_sessions,
        coalesce(sum(startup_success_sessions), 0)::bigint as startup_success_sessions,
        coalesce(sum(startup_failed_sessions), 0)::bigint as startup_failed_sessions,
        coalesce(sum(no_orch_sessions), 0)::bigint as no_orch_sessions,
        coalesce(sum(excusable_error_sessions), 0)::bigint as excusable_error_sessions,
        coalesce(sum(loading_only_sessions), 0)::bigint as loading_only_sessions,
        coalesce(sum(zero_output_fps_sessions), 0)::bigint as zero_output_fps_sessions,
        coalesce(sum(output_failed_sessions), 0)::bigint as output_failed_sessions,
        coalesce(sum(effective_failed_sessions), 0)::bigint as effective_failed_sessions,
        coalesce(sum(confirmed_swapped_sessions), 0)::bigint as confirmed_swapped_sessions,
        coalesce(sum(inferred_swapped_sessions), 0)::bigint as inferred_swapped_sessions,
        coalesce(sum(swapped_sessions), 0)::bigint as swapped_sessions,
        coalesce(sum(startup_latency_sum_ms), 0)::bigint as startup_latency_sum_ms,
        coalesce(sum(startup_latency_count), 0)::bigint as startup_latency_count,
        coalesce(sum(e2e_latency_sum_ms), 0)::bigint as e2e_latency_sum_ms,
        coalesce(sum(e2e_latency_count), 0)::bigint as e2e_latency_count,
        coalesce(sum(prompt_to_first_frame_sum_ms), 0)::bigint as prompt_to_first_frame_sum_ms,
        coalesce(sum(prompt_to_first_frame_count), 0)::bigint as prompt_to_first_frame_count,
        coalesce(sum(sla_requested_sessions), 0)::bigint as sla_requested_sessions,
        coalesce(sum(sla_startup_success_sessions), 0)::bigint as sla_startup_success_sessions,
        coalesce(sum(sla_swapped_sessions), 0)::bigint as sla_swapped_sessions,
        coalesce(sum(sla_output_failed_sessions), 0)::bigint as sla_output_failed_sessions,
        coalesce(sum(sla_health_signals), 0)::bigint as sla_health_signals,
        coalesce(sum(sla_health_signals_expected), 0)::bigint as sla_health_signals_expected,
        coalesce(sum(sla_prompt_to_first_frame_sum_ms), 0)::bigint as sla_prompt_to_first_frame_sum_ms,
        coalesce(sum(sla_prompt_to_first_frame_count), 0)::bigint as sla_prompt_to_first_frame_count,
        coalesce(sum(sla_e2e_latency_sum_ms), 0)::bigint as sla_e2e_latency_sum_ms,
        coalesce(sum(sla_e2e_latency_count), 0)::bigint as sla_e2e_latency_count,
        coalesce(sum(status_samples), 0)::bigint as status_samples,
        coalesce(sum(output_fps_sum::decimal(38, 6)), 0)::double as output_fps_sum,
        coalesce(sum(output_fps_sq_sum::decimal(38, 6)), 0)::double as output_fps_sq_sum
    from combined
    group by hour, orchestrator_address, attribution_status, region, pipeline, model
)

select * from final
order by hour, orchestrator_address nulls last, attribution_status, region, pipeline, model
