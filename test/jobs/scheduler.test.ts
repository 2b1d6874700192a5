import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSchedule, runOnce, startScheduler, windowFor, type ScheduleEntry } from '../../jobs/scheduler.ts';
import { logger } from '../../lib/log.ts';

const quiet = logger({ test: 'scheduler' });

describe('scheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never overlaps runs of the same job, even when a run outlasts its interval', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-16T00:00:00Z') });
    let active = 0;
    let maxActive = 0;
    let starts = 0;
    const entry: ScheduleEntry = { name: 'slow', cron: '* * * * * *', run: 'ingest x', window: 'current_day' };
    const tasks = startScheduler(
      [entry],
      async () => {
        starts++;
        active++;
        maxActive = Math.max(maxActive, active);
        // Each run takes 3.5 s while the job is due every second.
        await new Promise((r) => setTimeout(r, 3_500));
        active--;
      },
      quiet,
    );
    await vi.advanceTimersByTimeAsync(20_000);
    for (const t of tasks) await t.destroy();
    expect(maxActive).toBe(1);
    // Ticks during a run are skipped, so about one run per 4 s starts, not 20.
    expect(starts).toBeGreaterThanOrEqual(3);
    expect(starts).toBeLessThanOrEqual(6);
  });

  it('--once runs every committed entry once, in file order', async () => {
    const entries = loadSchedule('jobs/schedule.yml');
    const seen: string[] = [];
    const results = await runOnce(entries, async (e) => void seen.push(e.name), quiet, Date.parse('2026-11-16T10:20:00Z'));
    expect(seen).toEqual(entries.map((e) => e.name));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('derives the window from the firing time in UTC', () => {
    const at = Date.parse('2026-11-16T10:20:00Z');
    expect(windowFor({ name: 'a', cron: '* * * * *', run: 'x', window: 'previous_day' }, at)).toEqual({ from: Date.parse('2026-11-15T00:00:00Z'), to: Date.parse('2026-11-16T00:00:00Z') });
    expect(windowFor({ name: 'b', cron: '* * * * *', run: 'x', window: 'current_day' }, at)).toEqual({ from: Date.parse('2026-11-16T00:00:00Z'), to: Date.parse('2026-11-16T10:00:00Z') });
  });
});
