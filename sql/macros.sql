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
