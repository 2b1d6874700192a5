-- Loads capability snapshot entries and hardware; makes one row per GPU an orchestrator entry listed
-- in a snapshot of the window, however many workflows it serves.
with entries as (
    select * from stg_network_capabilities
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

hardware as (
    select * from stg_capability_hardware
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
        and gpu_uuid is not null
),

uri_map as (
    select orch_url_norm, orchestrator_address from core_orchestrator_uri_map
),

per_gpu as (
    -- A GPU appears once per workflow it serves; its name and memory are the same in each.
    select
        event_id,
        entry_index,
        gpu_uuid,
        min(event_ms) as event_ms,
        min(gpu_model) as gpu_model,
        max(memory_total_bytes) as memory_total_bytes,
        count(*) as workflows
    from hardware
    group by event_id, entry_index, gpu_uuid
),

final as (
    select
        g.event_id,
        g.entry_index,
        g.gpu_uuid,
        g.event_ms,
        date_trunc('hour', make_timestamp(g.event_ms * 1000)) as hour,
        e.gateway_host,
        coalesce(e.orchestrator_address, m.orchestrator_address) as orchestrator_address,
        coalesce(g.gpu_model, '') as gpu_model,
        g.memory_total_bytes,
        g.workflows
    from per_gpu as g
    join entries as e using (event_id, entry_index)
    left join uri_map as m on m.orch_url_norm = e.orch_url_norm
)

select * from final
order by event_ms, event_id, entry_index, gpu_uuid
