import { describe, expect, it } from 'vitest';
import { coverage, formatRate, hourlyRates, pairSummaries, toWorkflowHours, type WorkflowHour } from '../../site/src/components/startup.ts';

const H0 = Date.UTC(2026, 10, 16, 0);
const hour = (h: number) => new Date(H0 + h * 3_600_000);

function record(h: number, orchestrator: string | null, pipeline: string, requested: bigint, success: bigint, status = 'resolved', model = 'm'): Record<string, unknown> {
  return {
    hour: hour(h),
    orchestrator_address: orchestrator,
    attribution_status: status,
    pipeline,
    model,
    requested_sessions: requested,
    startup_success_sessions: success,
    startup_success_rate: requested === 0n ? null : Number(success) / Number(requested),
  };
}

describe('toWorkflowHours', () => {
  it('turns BIGINT counts into numbers and keeps a null rate', () => {
    const [row] = toWorkflowHours([record(0, '0xa', 'p', 0n, 0n)]);
    expect(row).toEqual({ hour: hour(0), orchestrator_address: '0xa', attribution_status: 'resolved', pipeline: 'p', model: 'm', requested_sessions: 0, startup_success_sessions: 0, startup_success_rate: null });
  });

  it('keeps unattributed rows: no address, possibly no model', () => {
    const [row] = toWorkflowHours([record(0, null, 'p', 2n, 0n, 'no_orchestrator', '')]);
    expect(row).toMatchObject({ orchestrator_address: null, attribution_status: 'no_orchestrator', model: '', startup_success_rate: 0 });
  });

  it('rejects an address that contradicts the attribution status', () => {
    expect(() => toWorkflowHours([record(0, null, 'p', 2n, 0n, 'resolved')])).toThrow(/row 0: orchestrator_address is null, expected text/);
    expect(() => toWorkflowHours([record(0, '0xa', 'p', 2n, 0n, 'no_orchestrator')])).toThrow(/must be null unless resolved/);
  });

  it('rejects a 0 rate where nothing was requested instead of showing 0%', () => {
    expect(() => toWorkflowHours([{ ...record(0, '0xa', 'p', 0n, 0n), startup_success_rate: 0 }])).toThrow(/row 0: startup_success_rate is 0 with 0 requested sessions/);
  });

  it('rejects counts that are not counts and rates that disagree with their parts', () => {
    expect(() => toWorkflowHours([{ ...record(0, '0xa', 'p', 4n, 3n), requested_sessions: null }])).toThrow(/requested_sessions is null/);
    expect(() => toWorkflowHours([record(0, '0xa', 'p', 2n, 3n)])).toThrow(/exceeds requested_sessions/);
    expect(() => toWorkflowHours([{ ...record(0, '0xa', 'p', 4n, 3n), startup_success_rate: 0.5 }])).toThrow(/is not startup_success_sessions \/ requested_sessions/);
    expect(() => toWorkflowHours([{ ...record(0, '0xa', 'p', 4n, 3n), hour: '2026-11-16' }])).toThrow(/hour is 2026-11-16/);
    expect(() => toWorkflowHours([record(0, '0xa', '', 4n, 3n)])).toThrow(/pipeline is "", expected text/);
  });
});

describe('roll-ups', () => {
  const rows: WorkflowHour[] = toWorkflowHours([
    record(0, '0xa', 'p', 10n, 9n),
    record(0, '0xb', 'p', 30n, 15n),
    record(0, '0xb', 'q', 0n, 0n),
    record(1, '0xa', 'p', 0n, 0n),
    // hour 2 has no rows at all
    record(3, '0xa', 'p', 4n, 4n),
    record(3, null, 'p', 2n, 0n, 'no_orchestrator', ''),
  ]);

  it('sums parts before dividing, never averages rates', () => {
    const [h0] = hourlyRates(rows);
    // (9 + 15) / (10 + 30) = 0.6; the mean of 0.9 and 0.5 would be 0.7.
    expect(h0).toEqual({ hour: hour(0), requested: 40, success: 24, rate: 0.6 });
  });

  it('gives every hour between the first and last a point, with null where nothing was requested', () => {
    expect(hourlyRates(rows).map((h) => [h.hour.getTime(), h.rate])).toEqual([
      [hour(0).getTime(), 0.6],
      [hour(1).getTime(), null],
      [hour(2).getTime(), null],
      // Requests no orchestrator took count against the hour: 4 of 6 started.
      [hour(3).getTime(), 4 / 6],
    ]);
  });

  it('keeps the whole axis when filtering to one workflow', () => {
    const q = hourlyRates(rows, (r) => r.pipeline === 'q');
    expect(q).toHaveLength(4);
    expect(q.every((h) => h.rate === null && h.requested === 0)).toBe(true);
  });

  it('summarises each orchestrator x workflow, with no rate for a pair never requested and unattributed requests last', () => {
    const resolved = { attribution_status: 'resolved' };
    expect(pairSummaries(rows)).toEqual([
      { ...resolved, orchestrator_address: '0xa', orchestrator: '0xa', pipeline: 'p', model: 'm', workflow: 'p · m', requested: 14, success: 13, rate: 13 / 14, hours_with_requests: 2 },
      { ...resolved, orchestrator_address: '0xb', orchestrator: '0xb', pipeline: 'p', model: 'm', workflow: 'p · m', requested: 30, success: 15, rate: 0.5, hours_with_requests: 1 },
      { ...resolved, orchestrator_address: '0xb', orchestrator: '0xb', pipeline: 'q', model: 'm', workflow: 'q · m', requested: 0, success: 0, rate: null, hours_with_requests: 0 },
      {
        attribution_status: 'no_orchestrator',
        orchestrator_address: null,
        orchestrator: 'no orchestrator found',
        pipeline: 'p',
        model: '',
        workflow: 'p · (no model reported)',
        requested: 2,
        success: 0,
        rate: 0,
        hours_with_requests: 1,
      },
    ]);
  });

  it('reports coverage, and an empty release as empty', () => {
    expect(coverage(rows)).toEqual({ rows: 6, first_hour: hour(0), last_hour: hour(3), orchestrators: 2, workflows: 3, requested: 46, success: 28 });
    expect(coverage([])).toEqual({ rows: 0, first_hour: null, last_hour: null, orchestrators: 0, workflows: 0, requested: 0, success: 0 });
    expect(hourlyRates([])).toEqual([]);
  });

  it('formats a missing rate as no data', () => {
    expect(formatRate(null)).toBe('no data');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(0.9512)).toBe('95.1%');
  });
});
