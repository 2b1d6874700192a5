-- Loads NewRound and SetCurrentRewardTokens logs; makes the round calendar: where each round was
-- initialised on chain, where the next one was (its end), and the LPT it made mintable.
with new_rounds as (
    select * from stg_chain_roundsmanager
    where event = 'NewRound'
),

initialisations as (
    -- A round is initialised once; should a log repeat a round, the first one counts.
    select * from new_rounds
    qualify row_number() over (partition by round order by log_position) = 1
),

minted as (
    -- The Minter logs the round's mintable tokens in the transaction that initialises it.
    select transaction_hash, mintable_wei, mintable_lpt, inflation_ppb
    from stg_chain_minter
    where event = 'SetCurrentRewardTokens'
    qualify row_number() over (partition by transaction_hash order by log_position) = 1
),

calendar as (
    select
        i.round,
        i.block_number as start_block_number,
        i.log_position as start_log_position,
        i.block_time_ms as started_ms,
        i.block_time as started_at,
        cast(i.block_time as date) as start_day,
        lead(i.log_position) over (order by i.round) as end_log_position,
        lead(i.block_time_ms) over (order by i.round) as ended_ms,
        i.round_block_hash,
        m.mintable_wei,
        m.mintable_lpt,
        m.inflation_ppb
    from initialisations as i
    left join minted as m using (transaction_hash)
),

final as (
    select
        round,
        start_block_number,
        start_log_position,
        started_ms,
        started_at,
        start_day,
        end_log_position,
        ended_ms,
        -- A round is over once a later one was initialised; until then reward() may still come.
        end_log_position is not null as is_closed,
        round_block_hash,
        mintable_wei,
        mintable_lpt,
        inflation_ppb
    from calendar
)

select * from final
order by round
