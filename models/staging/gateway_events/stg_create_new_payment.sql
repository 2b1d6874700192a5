-- Loads raw create_new_payment events; makes one typed row per ticket batch, with the face value's
-- WEI / ETH unit switch parsed to exact wei, the workflow a manifest id names, and every unparsable
-- field named in parse_error.
with source as (
    select json from raw_gateway_events_create_new_payment
),

payment_fields as (
    -- One parse of each record for every field (each `->>` would parse the whole record again).
    select
        from_json(json, '{
            "id": "VARCHAR", "timestamp": "VARCHAR", "gateway": "VARCHAR",
            "data": {"sender": "VARCHAR", "recipient": "VARCHAR", "orchestrator": "VARCHAR", "manifestID": "VARCHAR", "requestID": "VARCHAR",
                "sessionID": "VARCHAR", "faceValue": "VARCHAR", "winProb": "VARCHAR", "numTickets": "VARCHAR"}
        }') as e
    from source
),

typed as (
    select
        e.id as event_id,
        cast(e.timestamp as bigint) as event_ms,
        coalesce(e.gateway, '') as gateway_host,
        nullif(lower(e.data.sender), '') as gateway_address,
        nullif(lower(e.data.recipient), '') as orchestrator_address,
        nullif(lower(e.data.orchestrator), '') as orch_url_norm,
        coalesce(e.data.manifestID, '') as manifest_id,
        nullif(e.data.requestID, '') as request_id,
        nullif(e.data.sessionID, '') as session_id,
        trim(coalesce(e.data.faceValue, '')) as face_value_text,
        trim(coalesce(e.data.winProb, '')) as win_prob_text,
        trim(coalesce(e.data.numTickets, '')) as num_tickets_text
    from payment_fields
),

checked as (
    select
        *,
        -- go-livepeer prints "<integer> WEI" below 0.01 ETH and "<decimal> ETH" above (§2.10).
        regexp_full_match(face_value_text, '[0-9]{1,38} WEI') as is_wei,
        regexp_full_match(face_value_text, '[0-9]{1,20}(\.[0-9]{1,18})? ETH') as is_eth,
        -- The producer writes 10 decimal places; more would be rounded by the cast, so refuse them.
        regexp_full_match(win_prob_text, '(0|1)(\.[0-9]{1,10})?') and try_cast(win_prob_text as decimal(11, 10)) <= 1 as is_win_prob,
        regexp_full_match(num_tickets_text, '[0-9]{1,9}') as is_num_tickets,
        split_part(face_value_text, ' ', 1) as face_number
    from typed
),

final as (
    select
        event_id,
        event_ms,
        gateway_host,
        gateway_address,
        orchestrator_address,
        orch_url_norm,
        manifest_id,
        request_id,
        session_id,
        -- An AI request's start payment names its workflow: "<capability id>_<model>" (go-livepeer
        -- server/ai_session.go). The live payment loop sends the orchestrator's live manifest id
        -- instead, 8 hex characters naming no workflow (server/live_payment.go, §2.10).
        try_cast(nullif(regexp_extract(manifest_id, '^([0-9]{1,9})_(.+)$', 1), '') as integer) as capability_id,
        nullif(regexp_extract(manifest_id, '^[0-9]{1,9}_(.+)$', 1), '') as model,
        face_value_text,
        case
            when is_wei then cast(face_number as decimal(38, 0))
            -- Whole ETH and the fraction padded to 18 digits, joined as one integer: exact, no float.
            when is_eth then cast(split_part(face_number, '.', 1) || rpad(split_part(face_number, '.', 2), 18, '0') as decimal(38, 0))
        end as face_value_wei,
        case when is_win_prob then cast(win_prob_text as decimal(11, 10)) end as win_prob,
        case when is_num_tickets then cast(num_tickets_text as integer) end as num_tickets,
        case
            when gateway_address is null then 'missing sender'
            when orchestrator_address is null then 'missing recipient'
            when not (is_wei or is_eth) then 'faceValue is neither "<integer> WEI" nor "<decimal> ETH"'
            when not is_win_prob then 'winProb is not a probability with at most 10 decimals'
            when not is_num_tickets then 'numTickets is not a whole number'
        end as parse_error
    from checked
)

select * from final
order by event_ms, event_id
