-- Which orchestrators missed reward calls, and did any change their reward cut or fee share?
-- The reward-call rate is rewarded rounds over decided rounds (rewarded plus missed) summed over
-- the release; cut and fee share are shown at the first and last day so a change is visible.
select
    orchestrator_address,
    count(*) as days,
    sum(active_rounds) as active_rounds,
    sum(rewarded_rounds) as rewarded_rounds,
    sum(missed_reward_rounds) as missed_reward_rounds,
    round(sum(rewarded_rounds) / nullif(sum(rewarded_rounds) + sum(missed_reward_rounds), 0), 4) as reward_call_rate,
    arg_min(reward_cut_pct, day) as first_reward_cut_pct,
    arg_max(reward_cut_pct, day) as last_reward_cut_pct,
    arg_min(fee_share_pct, day) as first_fee_share_pct,
    arg_max(fee_share_pct, day) as last_fee_share_pct,
    sum(fees_eth) as fees_eth,
    sum(reward_lpt) as reward_lpt
from read_parquet('orchestrator_economics_daily/v1/*/part-*.parquet', filename = true)
where filename like '%/' || (select release_id from read_json('orchestrator_economics_daily/latest.json')) || '/%'
group by orchestrator_address
order by missed_reward_rounds desc, (last_reward_cut_pct is distinct from first_reward_cut_pct) desc, orchestrator_address;
