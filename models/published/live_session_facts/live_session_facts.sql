-- Loads live sessions; makes the released session facts that every hourly live rollup can be
-- recomputed from (no stream or request ids: the session key is a keyed hash).
with sessions as (
    select * from core_live_sessions
    where is_requested
        and requested_at_ms >= getvariable('window_from_ms')
        and requested_at_ms < getvariable('window_to_ms')
),

final as (
    select
        session_key,
        cast(make_timestamp(requested_at_ms * 1000) as date) as date,
        make_timestamp(requested_at_ms * 1000) as requested_at,
        date_trunc('hour', make_timestamp(requested_at_ms * 1000)) as hour,
        gateway_host,
        orchestrator_address,
        attribution_status,
        pipeline,
        model,
        is_startup_success,
        startup_outcome,
        excusal,
        is_loading_only,
        is_zero_output_fps,
        swaps_confirmed,
        swaps_inferred,
        status_samples,
        output_fps_sum,
        startup_latency_ms,
        e2e_latency_ms,
        prompt_to_first_frame_ms
    from sessions
)

select * from final
order by requested_at, session_key
