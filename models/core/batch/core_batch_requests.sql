-- Loads NaaP AI batch job rows and the service URI map; makes one row per batch request with the
-- serving orchestrator's canonical on-chain address and the request's UTC completion day.
with jobs as (
    select * from stg_naap_ai_batch_jobs
    where completed_at_ms >= getvariable('history_from_ms')
        and completed_at_ms < getvariable('window_to_ms')
),

deduped as (
    -- A request reported twice (paging overlap, a republished row) counts once: the latest report.
    select *
    from jobs
    qualify row_number() over (partition by request_id order by completed_at_ms desc, record_key) = 1
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

final as (
    select
        j.request_id,
        cast(make_timestamp(j.completed_at_ms * 1000) as date) as day,
        j.completed_at_ms,
        j.org,
        j.gateway_host,
        j.pipeline,
        j.model,
        j.orch_url_norm,
        m.orchestrator_address,
        case
            when j.orch_url_norm is null then 'no_orchestrator'
            when m.orchestrator_address is null then 'unresolved'
            else 'resolved'
        end as attribution_status,
        j.success,
        j.tries,
        j.duration_ms,
        j.selection_outcome,
        j.gpu_model_name
    from deduped as j
    left join uri_map as m using (orch_url_norm)
)

select * from final
order by completed_at_ms, request_id
