-- Loads raw NaaP /v1/requests/ai-batch/jobs rows; makes one typed row per stored row (§3).
with source as (
    select json, md5(json::varchar) as record_hash from raw_naap_ai_batch_jobs
),

typed as (
    select
        -- Paging can hand the same row out twice; core dedupes by request id, staging keeps both.
        record_hash || '-' || row_number() over (partition by record_hash) as record_key,
        json ->> '$.request_id' as request_id,
        coalesce(json ->> '$.org', '') as org,
        coalesce(json ->> '$.gateway', '') as gateway_host,
        coalesce(json ->> '$.pipeline', '') as pipeline,
        coalesce(json ->> '$.model_id', '') as model,
        epoch_ms(try_cast(json ->> '$.completed_at' as timestamptz)) as completed_at_ms,
        try_cast(json ->> '$.success' as boolean) as success,
        -- NaaP serves NULLs as 0 (ifNull(x, 0), §3): a job has at least one try and a real duration
        -- is never 0 ms, so a served 0 means "not reported".
        nullif(try_cast(json ->> '$.tries' as integer), 0) as tries,
        nullif(try_cast(json ->> '$.duration_ms' as bigint), 0) as duration_ms,
        nullif(lower(json ->> '$.orch_url'), '') as orch_url_norm,
        nullif(json ->> '$.selection_outcome', '') as selection_outcome,
        nullif(json ->> '$.gpu_model_name', '') as gpu_model_name,
        nullif(json ->> '$.attribution_status', '') as naap_attribution_status
    from source
),

final as (
    select * from typed
)

select * from final
order by completed_at_ms, request_id, record_key
