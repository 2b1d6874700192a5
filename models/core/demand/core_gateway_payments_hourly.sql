-- Loads ticket batches and the workflow catalogue; makes hourly ticket economics per gateway (host and
-- sender), orchestrator and workflow: batches, tickets, face value and expected value in wei.
with payments as (
    select * from stg_create_new_payment
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

model_pipelines as (
    -- A payment names a model only (manifestID); the pipeline is the one the network offers it
    -- under, and stays empty when the model is offered under several or none.
    select model, case when count(distinct pipeline) = 1 then min(pipeline) else '' end as pipeline
    from core_workflows
    group by model
),

typed as (
    select
        date_trunc('hour', make_timestamp(p.event_ms * 1000)) as hour,
        p.gateway_host,
        p.gateway_address,
        p.orchestrator_address,
        coalesce(m.pipeline, '') as pipeline,
        p.model,
        p.parse_error is null as is_parsed,
        p.num_tickets,
        p.face_value_wei,
        p.win_prob
    from payments as p
    left join model_pipelines as m using (model)
),

final as (
    select
        hour,
        gateway_host,
        gateway_address,
        orchestrator_address,
        pipeline,
        model,
        count(*) filter (where is_parsed) as payment_events,
        count(*) filter (where not is_parsed) as unparsed_payment_events,
        cast(coalesce(sum(num_tickets) filter (where is_parsed), 0) as bigint) as tickets_sent,
        -- Every ticket of a batch carries the batch's face value.
        cast(coalesce(sum(face_value_wei * num_tickets) filter (where is_parsed), 0) as decimal(38, 0)) as ticket_face_value_wei,
        cast(coalesce(sum(face_value_wei * num_tickets * win_prob) filter (where is_parsed), 0) as decimal(38, 10)) as expected_value_wei
    from typed
    group by all
)

select * from final
order by hour, gateway_host, gateway_address nulls last, orchestrator_address nulls last, pipeline, model
