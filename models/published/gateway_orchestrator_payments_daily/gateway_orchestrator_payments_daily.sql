-- Loads hourly ticket economics; makes daily tickets per paying gateway (on-chain sender), receiving
-- orchestrator and workflow by summing the hourly parts.
with payments as (
    select * from core_gateway_payments_hourly
),

final as (
    select
        cast(hour as date) as day,
        gateway_address,
        orchestrator_address,
        pipeline,
        model,
        cast(sum(payment_events) as bigint) as payment_events,
        -- Summed over attribution statuses: a live session's batches stay in one row.
        cast(coalesce(sum(payment_events) filter (where attribution_status = 'attributed_by_session'), 0) as bigint) as session_attributed_payment_events,
        cast(coalesce(sum(payment_events) filter (where attribution_status = 'attributed_by_stream'), 0) as bigint) as stream_attributed_payment_events,
        cast(coalesce(sum(payment_events) filter (where attribution_status = 'unattributed'), 0) as bigint) as unattributed_payment_events,
        cast(sum(unparsed_payment_events) as bigint) as unparsed_payment_events,
        cast(sum(tickets_sent) as bigint) as tickets_sent,
        cast(sum(ticket_face_value_wei) as decimal(38, 0)) as ticket_face_value_wei,
        cast(sum(expected_value_wei) as decimal(38, 10)) as expected_value_wei
    from payments
    group by cast(hour as date), gateway_address, orchestrator_address, pipeline, model
)

select * from final
order by day, gateway_address nulls last, orchestrator_address nulls last, pipeline, model
