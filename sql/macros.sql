-- Macros every model session has (the model runner loads this file), and that the duckdb CLI gets
-- with `.read sql/macros.sql`.

-- Wilson score interval at 95 % (z = 1.959963984540054, z^2 = 3.841458820694124) for a proportion p
-- observed over n trials; NULL when there were no trials, clamped to [0, 1] against rounding.
create or replace macro wilson_low(p, n) as
    case when n > 0 then greatest(0.0, least(1.0,
        (p + 3.841458820694124 / (2 * n) - 1.959963984540054 * sqrt(p * (1 - p) / n + 3.841458820694124 / (4 * n * n)))
        / (1 + 3.841458820694124 / n))) end;

create or replace macro wilson_high(p, n) as
    case when n > 0 then greatest(0.0, least(1.0,
        (p + 3.841458820694124 / (2 * n) + 1.959963984540054 * sqrt(p * (1 - p) / n + 3.841458820694124 / (4 * n * n)))
        / (1 + 3.841458820694124 / n))) end;

-- The chain connector's raw log records (RPC log + decoded event + block time), typed, one row per
-- log: a log re-read into two block-range partitions (overlapping ranges after a reorg) is kept once.
-- `log_position` orders logs across contracts as the chain does: by block, then log index.
create or replace macro chain_logs(raw_view) as table
    select
        lower(json ->> '$.transactionHash') as transaction_hash,
        cast(json ->> '$.logIndex' as integer) as log_index,
        cast(json ->> '$.blockNumber' as bigint) as block_number,
        lower(json ->> '$.blockHash') as block_hash,
        cast(json ->> '$.block_timestamp' as bigint) * 1000 as block_time_ms,
        make_timestamp(cast(json ->> '$.block_timestamp' as bigint) * 1000000) as block_time,
        cast(json ->> '$.blockNumber' as bigint) * 1000000 + cast(json ->> '$.logIndex' as integer) as log_position,
        lower(json ->> '$.address') as contract_address,
        json ->> '$.decoded.event' as event,
        json -> '$.decoded.args' as args
    from query_table(raw_view)
    qualify row_number() over (partition by transaction_hash, log_index order by block_number desc, block_hash) = 1;

-- The subgraph's BigDecimal text (amounts already divided by 1e18) as plain digits: it may use an
-- exponent, which DECIMAL(38,18) renders away.
create or replace macro plain_decimal(decimal_text) as
    case when regexp_matches(decimal_text, '[eE]') then try_cast(decimal_text as decimal(38, 18))::varchar else decimal_text end;

-- Plain decimal text of a token amount back to exact base units (wei). Amounts are never negative,
-- so integer part x 1e18 + the fraction padded to 18 digits is exact, with no rounding.
create or replace macro base_units(plain_text) as
    try_cast(try_cast(split_part(plain_text, '.', 1) as hugeint) * 1000000000000000000::hugeint
        + try_cast(rpad(split_part(plain_text, '.', 2), 18, '0') as hugeint) as decimal(38, 0));
