-- Loads status samples and live sessions; makes one row per status sample attributed to its session,
-- anchored at its UTC hour on the gateway clock, with NaaP's terminal-tail flag (RULE-LIFECYCLE-009).
with status as (
    select * from stg_ai_stream_status
    where stream_id is not null and request_id is not null
),

sessions as (
    select * from core_live_sessions
),

samples as (
    select
        se.session_key,
        st.event_id,
        st.envelope_ms as sample_ms,
        date_trunc('hour', make_timestamp(st.envelope_ms * 1000)) as hour,
        -- A sample without inference_status.fps counts as 0 fps, as NaaP's JSONExtractFloat reads it.
        coalesce(st.output_fps, 0) as output_fps,
        st.output_fps is null as is_fps_missing,
        st.state,
        st.state in ('ONLINE', 'DEGRADED_INPUT', 'DEGRADED_INFERENCE') as is_running,
        se.requested_at_ms,
        se.last_seen_ms,
        se.orchestrator_address,
        se.attribution_status,
        se.region,
        se.pipeline,
        se.model
    from status as st
    inner join sessions as se using (stream_id, request_id)
),

session_hours as (
    select
        session_key,
        hour,
        any_value(requested_at_ms) as requested_at_ms,
        any_value(last_seen_ms) as last_seen_ms,
        count(*) as status_samples,
        count(*) filter (where output_fps > 0) as fps_positive_samples,
        count(*) filter (where is_running) as running_state_samples
    from samples
    group by session_key, hour
),

-- A terminal tail: the session began before the hour and ended inside it, and neither this hour
-- nor the clock hour before has a positive-FPS sample, a running-state sample or 3 samples.
tails as (
    select
        h.session_key,
        h.hour,
        coalesce(
            h.requested_at_ms < epoch_ms(h.hour)
            and h.last_seen_ms >= epoch_ms(h.hour)
            and h.last_seen_ms < epoch_ms(h.hour + interval 1 hour)
            and h.fps_positive_samples = 0 and h.running_state_samples = 0 and h.status_samples < 3
            and coalesce(p.fps_positive_samples, 0) = 0
            and coalesce(p.running_state_samples, 0) = 0
            and coalesce(p.status_samples, 0) < 3,
            false
        ) as is_terminal_tail
    from session_hours as h
    left join session_hours as p
        on p.session_key = h.session_key and p.hour = h.hour - interval 1 hour
),

final as (
    select
        s.session_key,
        s.event_id,
        s.sample_ms,
        s.hour,
        s.output_fps,
        s.is_fps_missing,
        s.state,
        s.is_running,
        t.is_terminal_tail,
        s.orchestrator_address,
        s.attribution_status,
        s.region,
        s.pipeline,
        s.model
    from samples as s
    inner join tails as t using (session_key, hour)
)

select * from final
order by hour, session_key, sample_ms, event_id
