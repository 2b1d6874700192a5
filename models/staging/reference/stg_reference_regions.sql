-- Loads the raw region-rule snapshots; makes one typed row per rule per snapshot day.
with source as (
    select json from raw_reference_regions
),

final as (
    select
        cast(json ->> '$.as_of' as date) as as_of_date,
        cast(json ->> '$.rank' as integer) as rule_rank,
        json ->> '$.origin' as origin,
        json ->> '$.id' as rule_id,
        json ->> '$.applies_to' as applies_to,
        json ->> '$.match' as match_kind,
        json ->> '$.pattern' as pattern,
        json ->> '$.region' as region,
        coalesce(json ->> '$.note', '') as note
    from source
)

select * from final
order by as_of_date, rule_rank
