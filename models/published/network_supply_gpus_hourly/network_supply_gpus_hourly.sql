-- Loads snapshot GPUs; makes the GPUs the network reported per hour, GPU model and memory size.
with gpus as (
    select * from core_supply_gpus
),

final as (
    select
        hour,
        gpu_model,
        memory_total_bytes as vram_bytes,
        count(distinct gpu_uuid) as gpus_seen,
        count(distinct orchestrator_address) as orchestrators_seen
    from gpus
    group by hour, gpu_model, memory_total_bytes
)

select * from final
order by hour, gpu_model, vram_bytes nulls last
