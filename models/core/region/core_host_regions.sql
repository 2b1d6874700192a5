-- Loads region rules, service URIs and gateway hosts; makes the region of every orchestrator URI and
-- gateway host seen (docs/sources.md §14.3: organic traffic gets its region from a documented mapping).
with rule_snapshots as (
    select * from stg_reference_regions
),

trace as (
    select orch_url_norm, gateway_host from stg_stream_trace
),

status as (
    select orch_url_norm from stg_ai_stream_status
),

capabilities as (
    select orch_url_norm, gateway_host from stg_network_capabilities
),

-- The newest snapshot is the mapping in force; older partitions are history.
rules as (
    select *
    from rule_snapshots
    where as_of_date = (select max(as_of_date) from rule_snapshots)
),

orchestrator_uris as (
    select orch_url_norm as host_key from trace where orch_url_norm is not null
    union
    select orch_url_norm from status where orch_url_norm is not null
    union
    select orch_url_norm from capabilities where orch_url_norm is not null
),

gateway_hosts as (
    select coalesce(gateway_host, '') as host_key from trace
    union
    select coalesce(gateway_host, '') from capabilities
),

hosts as (
    select
        'orchestrator' as host_kind,
        host_key,
        -- The host part of a URI: optional scheme, then up to a port, path, query or fragment.
        coalesce(regexp_extract(lower(host_key), '^(?:[a-z][a-z0-9+.-]*:\x2f\x2f)?(?:[^@\x2f]*@)?([^:\x2f?#]*)', 1), '') as host
    from orchestrator_uris
    union all
    select
        'gateway',
        host_key,
        coalesce(regexp_extract(lower(host_key), '^(?:[a-z][a-z0-9+.-]*:\x2f\x2f)?(?:[^@\x2f]*@)?([^:\x2f?#]*)', 1), '')
    from gateway_hosts
),

matches as (
    select
        h.host_kind,
        h.host_key,
        r.rule_rank,
        r.rule_id,
        r.origin,
        r.region,
        r.as_of_date
    from hosts as h
    inner join rules as r
        on r.applies_to in ('any', h.host_kind)
        and case r.match_kind
            when 'any' then true
            when 'host' then h.host = r.pattern
            when 'host_suffix' then ends_with(h.host, r.pattern)
            when 'regex' then regexp_matches(h.host, r.pattern)
            else false
        end
),

first_match as (
    select
        host_kind,
        host_key,
        arg_min(rule_id, rule_rank) as rule_id,
        arg_min(origin, rule_rank) as rule_origin,
        arg_min(region, rule_rank) as region,
        any_value(as_of_date) as rules_as_of
    from matches
    group by host_kind, host_key
),

final as (
    select
        h.host_kind,
        h.host_key,
        h.host,
        -- No rule at all (no snapshot, or no fallback rule) is no evidence either.
        coalesce(m.region, 'unknown') as region,
        m.rule_id,
        m.rule_origin,
        m.rules_as_of
    from hosts as h
    left join first_match as m using (host_kind, host_key)
)

select * from final
order by host_kind, host_key
