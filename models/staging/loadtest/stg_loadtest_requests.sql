-- Loads raw load-test request records; makes one typed row per request outcome.
with source as (
    select json from raw_loadtest_requests
),

typed as (
    select
        json ->> '$.run_id' as run_id,
        cast(json ->> '$.seq' as integer) as seq,
        try_cast(json ->> '$.scheduled_at_ms' as bigint) as scheduled_at_ms,
        try_cast(json ->> '$.sent_at_ms' as bigint) as sent_at_ms,
        try_cast(json ->> '$.ttfb_ms' as bigint) as ttfb_ms,
        try_cast(json ->> '$.completed_at_ms' as bigint) as completed_at_ms,
        try_cast(json ->> '$.http_status' as integer) as http_status,
        json ->> '$.outcome' as outcome,
        nullif(lower(json ->> '$.orchestrator'), '') as orchestrator_address,
        coalesce(json ->> '$.pipeline', '') as pipeline,
        coalesce(json ->> '$.model', '') as model,
        json ->> '$.input_sha256' as input_sha256
    from source
),

final as (
    select * from typed
)

select * from final
order by run_id, seq
