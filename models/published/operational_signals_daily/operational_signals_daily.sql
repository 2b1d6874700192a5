-- Loads operational signals; makes the released signals of the window's days.
with signals as (
    select * from core_operational_signals
    where day >= cast(make_timestamp(getvariable('window_from_ms') * 1000) as date)
        and day < cast(make_timestamp(getvariable('window_to_ms') * 1000) as date)
),

final as (
    select day, signal, orchestrator_address, subject, severity, value, baseline, reason from signals
)

select * from final
order by day, signal, subject
