-- Loads live scores, identity, economics and sessions; makes operational signals, each with a reason
-- a person can read: regressions against an orchestrator's own 7 days, SLA score drops, stale
-- telemetry, missed reward calls, large commission changes and unresolved attribution.
with days as (
    select * from core_live_orchestrator_scores
    where grain = 'day' and attribution_status = 'resolved'
),

own_history as (
    select
        d.period_start,
        d.orchestrator_address,
        d.region,
        d.pipeline,
        d.model,
        d.requested_sessions,
        d.startup_success_rate,
        sum(h.requested_sessions) as baseline_requested,
        sum(h.startup_success_sessions) as baseline_success
    from days as d
    join days as h
        on h.orchestrator_address = d.orchestrator_address
        and h.region = d.region and h.pipeline = d.pipeline and h.model = d.model
        and h.period_start >= d.period_start - interval 7 day
        and h.period_start < d.period_start
    group by all
),

regressions as (
    select
        cast(period_start as date) as day,
        'regression' as signal,
        orchestrator_address,
        concat_ws(' | ', orchestrator_address, region, pipeline, model) as subject,
        case when startup_success_rate < baseline_success / baseline_requested - 0.25 then 'critical' else 'warning' end as severity,
        startup_success_rate as value,
        baseline_success / baseline_requested as baseline,
        format('startup success {:.1f}% on {} sessions, against {:.1f}% over its previous 7 days ({} sessions) for {} {}',
            100 * startup_success_rate, requested_sessions, 100 * baseline_success / baseline_requested, baseline_requested, pipeline, model) as reason
    from own_history
    where requested_sessions >= 20 and baseline_requested >= 50
        and startup_success_rate < baseline_success / baseline_requested - 0.10
),

score_drops as (
    select
        cast(d.period_start as date) as day,
        'score_drop' as signal,
        d.orchestrator_address,
        concat_ws(' | ', d.orchestrator_address, d.region, d.pipeline, d.model) as subject,
        case when p.sla_score - d.sla_score >= 25 then 'critical' else 'warning' end as severity,
        d.sla_score as value,
        p.sla_score as baseline,
        format('SLA score {:.1f}, down {:.1f} points from the day before, for {} {}', d.sla_score, p.sla_score - d.sla_score, d.pipeline, d.model) as reason
    from days as d
    join days as p
        on p.orchestrator_address = d.orchestrator_address
        and p.region = d.region and p.pipeline = d.pipeline and p.model = d.model
        and p.period_start = d.period_start - interval 1 day
    where d.sla_requested_sessions >= 10 and p.sla_requested_sessions >= 10
        and p.sla_score - d.sla_score >= 10
),

stale as (
    select
        cast(make_timestamp((getvariable('window_to_ms') - 1) * 1000) as date) as day,
        'stale_telemetry' as signal,
        orchestrator_address,
        orch_url_norm as subject,
        case when getvariable('window_to_ms') - last_seen_ms >= 24 * 3600000 then 'critical' else 'warning' end as severity,
        (getvariable('window_to_ms') - last_seen_ms) / 3600000.0 as value,
        2.0 as baseline,
        format('no capability snapshot from {} for {:.1f} h before the window end', orch_url_norm, (getvariable('window_to_ms') - last_seen_ms) / 3600000.0) as reason
    from core_orchestrator_uri_map
    where last_seen_ms is not null and last_seen_ms < getvariable('window_to_ms') - 2 * 3600000
),

missed_rewards as (
    select
        round_start_day as day,
        'missed_reward_call' as signal,
        orchestrator_address,
        concat(orchestrator_address, ' | round ', round) as subject,
        'warning' as severity,
        0.0 as value,
        1.0 as baseline,
        format('active in round {} but did not call reward()', round) as reason
    from core_economics_orchestrator_rounds
    where reward_status = 'missed'
),

cut_changes as (
    select
        day,
        'commission_change' as signal,
        orchestrator_address,
        concat(orchestrator_address, ' | ', transaction_hash, ' | ', log_index) as subject,
        case when greatest(abs(reward_cut_change_ppm), abs(fee_share_change_ppm)) >= 250000 then 'critical' else 'warning' end as severity,
        reward_cut_pct as value,
        previous_reward_cut_ppm / 10000.0 as baseline,
        format('reward cut {:.1f}% -> {:.1f}%, fee share {:.1f}% -> {:.1f}%',
            previous_reward_cut_ppm / 10000.0, reward_cut_pct, previous_fee_share_ppm / 10000.0, fee_share_pct) as reason
    from core_economics_cut_changes
    where is_change and greatest(abs(reward_cut_change_ppm), abs(fee_share_change_ppm)) >= 100000
),

attribution as (
    select
        cast(make_timestamp(requested_at_ms * 1000) as date) as day,
        count(*) as requested,
        count(*) filter (where attribution_status = 'unresolved') as unresolved
    from core_live_sessions
    where is_requested
        and requested_at_ms >= getvariable('window_from_ms') and requested_at_ms < getvariable('window_to_ms')
    group by all
),

unresolved as (
    select
        day,
        'unresolved_attribution' as signal,
        null::varchar as orchestrator_address,
        'network' as subject,
        case when unresolved / requested >= 0.2 then 'critical' else 'warning' end as severity,
        unresolved / requested as value,
        0.05 as baseline,
        format('{} of {} requested sessions ({:.1f}%) reached an orchestrator whose service URI maps to no on-chain address', unresolved, requested, 100 * unresolved / requested) as reason
    from attribution
    where requested > 0 and unresolved / requested > 0.05
),

final as (
    select * from regressions
    union all select * from score_drops
    union all select * from stale
    union all select * from missed_rewards
    union all select * from cut_changes
    union all select * from unresolved
)

select * from final
order by day, signal, subject
