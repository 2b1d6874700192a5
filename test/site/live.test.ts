// The overview, leaderboard and orchestrator roll-ups: sums before ratios, Wilson intervals, and
// "no data" (null) wherever there were no attempts.
import { describe, expect, it } from 'vitest';
import { demandTrend, fmtInterval, fmtPct, leaderboard, liveTrend, num, scoreValues, summariseLive, wilson } from '../../site/src/components/live.ts';

const hour = (h: number) => new Date(Date.UTC(2026, 10, 16, h));
const row = (h: number, address: string | null, requested: number, started: number, extra: Record<string, unknown> = {}) => ({
  hour: hour(h), day: new Date(Date.UTC(2026, 10, 16 + Math.floor(h / 24))), orchestrator_address: address, attribution_status: address ? 'resolved' : 'unresolved',
  region: 'FRA', pipeline: 'live-video-to-video', model: 'sd', requested_sessions: BigInt(requested), startup_success_sessions: BigInt(started),
  prompt_to_first_frame_sum_ms: BigInt(requested * 1000), prompt_to_first_frame_count: BigInt(requested), ...extra,
});

describe('wilson', () => {
  it('matches the closed form and stays inside [0, 1]', () => {
    const w = wilson(8, 10);
    expect(w.rate).toBe(0.8);
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
    expect(wilson(10, 10).high).toBe(1);
    expect(wilson(0, 10).low).toBe(0);
  });

  it('has no rate and no interval without attempts', () => {
    expect(wilson(0, 0)).toEqual({ rate: null, low: null, high: null, n: 0 });
    expect(fmtInterval(wilson(0, 0))).toBe('no data');
    expect(fmtPct(null)).toBe('no data');
  });
});

describe('roll-ups', () => {
  const rows = [row(0, '0xa', 10, 9), row(0, '0xb', 30, 15), row(1, '0xa', 0, 0, { prompt_to_first_frame_count: 0n }), row(2, null, 4, 4)];

  it('sums parts before dividing (not a mean of rates)', () => {
    const s = summariseLive(rows);
    expect(s.requested).toBe(44);
    expect(s.startup.rate).toBeCloseTo(28 / 44, 12);
    expect(s.ptff_ms).toBe(1000);
  });

  it('keeps an hour without requests as null, and counts active orchestrators', () => {
    const t = liveTrend(rows, 'hour');
    expect(t.map((p) => p.time.getUTCHours())).toEqual([0, 1, 2]);
    expect(t[0]!.startup.rate).toBeCloseTo(24 / 40, 12);
    expect(t[0]!.active_orchestrators).toBe(2);
    expect(t[1]!.startup.rate).toBeNull();
    expect(t[1]!.ptff_ms).toBeNull();
    expect(t[1]!.active_orchestrators).toBe(0);
    // Unattributed sessions count toward the rate but are not an active orchestrator.
    expect(t[2]!.active_orchestrators).toBe(0);
  });

  it('leaderboard: one row per resolved orchestrator x region x workflow; the latest scored day, never an average', () => {
    const daily = [
      row(0, '0xa', 10, 9, { sla_score: 70, sla_evidence: 'sufficient' }),
      row(24, '0xa', 10, 10, { sla_score: 90, sla_evidence: 'sufficient' }),
      row(0, '0xb', 0, 0, { sla_score: null, sla_evidence: null }),
      row(0, null, 5, 5, { sla_score: null }),
    ];
    const board = leaderboard(daily);
    expect(board.map((r) => r.orchestrator_address)).toEqual(['0xa', '0xb']);
    expect(board[0]).toMatchObject({ requested: 20, started: 19, days: 2, sla_score: 90 });
    expect(board[0]!.sla_day?.toISOString()).toBe('2026-11-17T00:00:00.000Z');
    expect(board[1]).toMatchObject({ requested: 0, sla_score: null, sla_day: null });
    expect(board[1]!.startup.rate).toBeNull();
  });

  it('demand and score distribution', () => {
    const demand = demandTrend([
      { hour: hour(0), gateway_address: '0xg', requested_sessions: 5n, served_sessions: 4n, unserved_sessions: 1n },
      { hour: hour(0), gateway_address: '0xh', requested_sessions: 0n, served_sessions: 0n, unserved_sessions: 0n },
    ]);
    expect(demand).toEqual([{ time: hour(0), requested: 5, served: 4, unserved: 1, active_gateways: 1 }]);
    expect(scoreValues([{ sla_score: 80 }, { sla_score: null }, { sla_score: 60 }])).toEqual([60, 80]);
  });

  it('refuses a value that is not a number instead of reading it as 0', () => {
    expect(num(3n)).toBe(3);
    expect(num(null)).toBeNull();
    expect(() => num('12')).toThrow(/expected a number/);
  });
});
