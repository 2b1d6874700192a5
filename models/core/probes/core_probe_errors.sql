-- Loads probe results and their error entries; makes the error counts of each probe by normalised
-- code: HTTP statuses and error tokens as posted, free-text transport errors by class.
with probes as (
    select probe_key, day, window_from_ms, job_type, region, orchestrator_address, pipeline_posted, pipeline, model
    from core_probe_results
),

entries as (
    select
        probe_key,
        error_code_posted,
        coalesce(error_count_posted, 1) as error_count
    from stg_leaderboard_probe_errors
),

classified as (
    select
        probe_key,
        -- The AI tester posts a transport error's Go error text (with the tester's own gateway URL)
        -- as the code; such texts are reduced to a class so codes stay a small, URL-free set.
        case
            when regexp_full_match(error_code_posted, '[0-9]{3}') then error_code_posted
            when regexp_full_match(error_code_posted, '[A-Za-z][A-Za-z0-9_.-]{0,63}') then error_code_posted
            when error_code_posted = '' then 'unknown'
            when regexp_matches(lower(error_code_posted), 'deadline exceeded|timeout|timed out') then 'client_timeout'
            when regexp_matches(lower(error_code_posted), 'connection refused') then 'connection_refused'
            when regexp_matches(lower(error_code_posted), 'connection reset|eof') then 'connection_reset'
            else 'transport_error'
        end as error_code,
        error_count
    from entries
),

per_code as (
    select probe_key, error_code, sum(error_count) as error_count, count(*) as error_entries
    from classified
    group by probe_key, error_code
),

final as (
    select
        p.probe_key,
        p.day,
        p.window_from_ms,
        p.job_type,
        p.region,
        p.orchestrator_address,
        p.pipeline_posted,
        p.pipeline,
        p.model,
        c.error_code,
        cast(c.error_count as bigint) as error_count,
        cast(c.error_entries as bigint) as error_entries
    from per_code as c
    join probes as p using (probe_key)
)

select * from final
order by day, orchestrator_address, region, pipeline, model, probe_key, error_code
