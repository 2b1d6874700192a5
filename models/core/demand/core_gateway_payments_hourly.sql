-- Loads ticket batches, the workflow catalogue and live sessions; makes hourly ticket economics per
-- gateway (host and sender), orchestrator, workflow and how the workflow was attributed: batches,
-- tickets, face value and expected value in wei.
with all_payments as (
    -- Every loaded batch, the days before the window included: a live session's start payment can
    -- precede the window its payment loop runs into.
    select * from stg_create_new_payment
),

payments as (
    select * from all_payments
    where event_ms >= getvariable('window_from_ms') and event_ms < getvariable('window_to_ms')
),

workflows as (
    select capability_id, model, pipeline from core_workflows
),

capability_pipelines as (
    -- The pipeline a capability id is offered under, for a model the snapshots never advertised.
    select capability_id, case when count(distinct pipeline) = 1 then min(pipeline) end as pipeline
    from core_workflows
    group by capability_id
),

session_workflows as (
    -- The workflow of each orchestrator session (sessionID) from its batches whose manifest names
    -- one; a session named with two workflows attributes nothing.
    select gateway_address, orchestrator_address, session_id, min(capability_id) as capability_id, min(model) as model
    from all_payments
    where capability_id is not null and session_id is not null
    group by gateway_address, orchestrator_address, session_id
    having count(distinct (capability_id, model)) = 1
),

live_manifest_workflows as (
    -- The live payment loop keeps the orchestrator's live manifest id for the whole stream while an
    -- auth-token refresh changes its sessionID (go-livepeer server/broadcast.go), so a live manifest
    -- gets the workflow any of its sessions got from a start payment.
    select p.gateway_address, p.orchestrator_address, p.manifest_id, min(s.capability_id) as capability_id, min(s.model) as model
    from all_payments as p
    join session_workflows as s using (gateway_address, orchestrator_address, session_id)
    where p.capability_id is null
    group by p.gateway_address, p.orchestrator_address, p.manifest_id
    having count(distinct (s.capability_id, s.model)) = 1
),

live_sessions as (
    select gateway_host, orchestrator_address, pipeline, model, first_event_ms, last_seen_ms
    from core_live_sessions
    where orchestrator_address is not null and model <> ''
),

stream_workflows as (
    -- Delivery is at most once (§2.1): a payment-loop batch whose session's start payment was lost
    -- still went to a stream. It gets the workflow of the gateway's live sessions the recipient was
    -- serving when it was sent, only when they all ran the same one.
    select p.event_id, min(s.pipeline) as pipeline, min(s.model) as model
    from payments as p
    join live_sessions as s
        on s.gateway_host = p.gateway_host
        and s.orchestrator_address = p.orchestrator_address
        and p.event_ms between s.first_event_ms and s.last_seen_ms
    where p.capability_id is null
    group by p.event_id
    having count(distinct (s.pipeline, s.model)) = 1
),

attributed as (
    select
        p.*,
        coalesce(p.capability_id, m.capability_id) as workflow_capability_id,
        coalesce(p.model, m.model, w.model) as workflow_model,
        w.pipeline as stream_pipeline,
        case
            when p.capability_id is not null then 'attributed_by_manifest'
            when m.model is not null then 'attributed_by_session'
            when w.model is not null then 'attributed_by_stream'
            else 'unattributed'
        end as attribution_status
    from payments as p
    left join live_manifest_workflows as m
        on p.capability_id is null
        and m.gateway_address = p.gateway_address
        and m.orchestrator_address = p.orchestrator_address
        and m.manifest_id = p.manifest_id
    left join stream_workflows as w using (event_id)
),

typed as (
    select
        date_trunc('hour', make_timestamp(a.event_ms * 1000)) as hour,
        a.gateway_host,
        a.gateway_address,
        a.orchestrator_address,
        -- The catalogue's pipeline for the (capability id, model), else the capability id's, else
        -- the catalogue's name for an unknown id; a stream's own pipeline; 'unknown' only when no
        -- event names a workflow.
        case
            when a.attribution_status = 'unattributed' then 'unknown'
            when a.attribution_status = 'attributed_by_stream' then a.stream_pipeline
            else coalesce(w.pipeline, c.pipeline, 'capability-' || a.workflow_capability_id)
        end as pipeline,
        coalesce(a.workflow_model, '') as model,
        a.attribution_status,
        a.parse_error is null as is_parsed,
        a.num_tickets,
        a.face_value_wei,
        a.win_prob
    from attributed as a
    left join workflows as w on w.capability_id = a.workflow_capability_id and w.model = a.workflow_model
    left join capability_pipelines as c on c.capability_id = a.workflow_capability_id
),

final as (
    select
        hour,
        gateway_host,
        gateway_address,
        orchestrator_address,
        pipeline,
        model,
        attribution_status,
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
order by hour, gateway_host, gateway_address nulls last, orchestrator_address nulls last, pipeline, model, attribution_status
