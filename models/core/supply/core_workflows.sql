-- Loads capability offers, prices and hardware entries; makes the workflow catalogue: the pipeline
-- slug of every (capability id, model) the network advertises an offer or a price for.
with offers as (
    select capability_id, model, event_ms from stg_capability_offers
    where capability_id is not null
),

prices as (
    -- A price can come without an offer (BYOC capabilities are only priced, §2.9).
    select capability_id, model, event_ms from stg_capability_prices
    where capability_id is not null
),

hardware as (
    select pipeline, model from stg_capability_hardware
    where pipeline <> '' and model <> ''
),

-- go-livepeer core/capabilities.go names the AI capabilities; nodes without hardware reports still
-- advertise these ids, so the id alone must give the pipeline.
capability_names (capability_id, pipeline) as (
    values
        (27, 'text-to-image'),
        (28, 'image-to-image'),
        (29, 'image-to-video'),
        (30, 'upscale'),
        (31, 'audio-to-text'),
        (32, 'segment-anything-2'),
        (33, 'llm'),
        (34, 'image-to-text'),
        (35, 'live-video-to-video'),
        (36, 'text-to-speech'),
        (37, 'byoc')
),

reported as (
    -- The pipeline the nodes themselves report for a model; the most reported wins, ties by name.
    select model, arg_max(pipeline, (reports, pipeline)) as pipeline
    from (select model, pipeline, count(*) as reports from hardware group by model, pipeline)
    group by model
),

catalogue as (
    select
        capability_id,
        model,
        min(event_ms) as first_seen_ms,
        max(event_ms) as last_seen_ms
    from (select * from offers union all select * from prices)
    group by capability_id, model
),

final as (
    select
        c.capability_id,
        c.model,
        coalesce(r.pipeline, n.pipeline, 'capability-' || c.capability_id) as pipeline,
        case
            when r.pipeline is not null then 'hardware'
            when n.pipeline is not null then 'capability_id'
            else 'unknown'
        end as pipeline_source,
        c.first_seen_ms,
        c.last_seen_ms
    from catalogue as c
    left join reported as r using (model)
    left join capability_names as n using (capability_id)
)

select * from final
order by capability_id, model
