-- Loads raw load-test run manifests; makes one typed row per stored manifest (plan, vantage,
-- versions, input pool ids and hashes; never prompts).
with source as (
    select json from raw_loadtest_runs
),

typed as (
    select
        json ->> '$.run_id' as run_id,
        json ->> '$.format' as bundle_format,
        json ->> '$.status' as run_status,
        json -> '$.plan' ->> 'id' as plan_id,
        json -> '$.plan' ->> 'version' as plan_version,
        json -> '$.plan' ->> 'sha256' as plan_sha256,
        coalesce(json -> '$.plan' ->> 'pipeline', '') as pipeline,
        coalesce(json -> '$.plan' ->> 'model', '') as model,
        try_cast(json -> '$.plan' ->> 'requests' as integer) as planned_requests,
        upper(json ->> '$.vantage_region') as vantage_region,
        json -> '$.runner' ->> 'name' as runner_name,
        json -> '$.runner' ->> 'version' as runner_version,
        json -> '$.gateway' ->> 'version' as gateway_version,
        try_cast(json ->> '$.clock_offset_ms' as bigint) as clock_offset_ms,
        epoch_ms(try_cast(json ->> '$.started_at' as timestamptz)) as started_at_ms,
        epoch_ms(try_cast(json ->> '$.ended_at' as timestamptz)) as ended_at_ms,
        try_cast(json -> '$.records' ->> 'count' as integer) as record_count,
        json -> '$.records' ->> 'sha256' as records_sha256,
        coalesce(json_extract_string(json, '$.inputs[*].pool_id'), []) as input_pool_ids,
        coalesce(json_extract_string(json, '$.inputs[*].sha256'), []) as input_sha256s
    from source
),

final as (
    select * from typed
)

select * from final
order by run_id
