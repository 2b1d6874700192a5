-- Loads raw leaderboard raw_stats records; makes one row per entry of a probe's errors list, with the
-- code as posted (messages are not loaded: they can echo request content).
with source as (
    select json, md5(json::varchar) as record_hash from raw_leaderboard_raw_stats
),

records as (
    select
        record_hash || '-' || row_number() over (partition by record_hash) as probe_key,
        cast(json -> '$.stats.errors' as json[]) as errors
    from source
),

entries as (
    select
        probe_key,
        unnest(errors) as entry,
        unnest(range(len(errors))) as entry_index
    from records
    where len(errors) > 0
),

final as (
    select
        probe_key,
        cast(entry_index as integer) as entry_index,
        coalesce(entry ->> 'error_code', '') as error_code_posted,
        try_cast(entry ->> 'count' as bigint) as error_count_posted
    from entries
)

select * from final
order by probe_key, entry_index
