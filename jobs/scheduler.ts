// Runs commands on the committed schedule (jobs/schedule.yml) with node-cron in UTC, never letting a
// job overlap itself; `--once` runs every entry one time, in file order, and returns.
import { readFileSync } from 'node:fs';
import cron, { type ScheduledTask } from 'node-cron';
import { parse } from 'yaml';
import { UserError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { DAY_MS, floorDay, floorHour, ms, type Window } from '../lib/time.ts';

export interface ScheduleEntry {
  name: string;
  cron: string;
  run: string;
  window: 'current_day' | 'previous_day';
}

export function loadSchedule(path: string): ScheduleEntry[] {
  const doc = parse(readFileSync(path, 'utf8')) as ScheduleEntry[];
  if (!Array.isArray(doc)) throw new UserError(`${path} is not a list of schedule entries`, 'see the comment at the top of jobs/schedule.yml');
  const names = new Set<string>();
  for (const e of doc) {
    if (!e.name || !e.cron || !e.run) throw new UserError(`${path}: entry ${JSON.stringify(e)} needs name, cron and run`);
    if (!cron.validate(e.cron)) throw new UserError(`${path}: "${e.cron}" in ${e.name} is not a cron expression`, 'use five or six fields, e.g. "10 * * * *"');
    if (e.window !== 'current_day' && e.window !== 'previous_day') throw new UserError(`${path}: ${e.name} has window "${e.window}"`, 'use current_day or previous_day');
    if (names.has(e.name)) throw new UserError(`${path}: two entries are named ${e.name}`);
    names.add(e.name);
  }
  return doc;
}

/** The window a scheduled run covers, from the time it fires (the scheduler may read the clock; jobs may not). */
export function windowFor(entry: ScheduleEntry, firedAt: number): Window {
  const day = floorDay(firedAt);
  if (entry.window === 'previous_day') return { from: ms(day - DAY_MS), to: day };
  const hour = floorHour(firedAt);
  return { from: day, to: hour > day ? hour : ms(day + 3_600_000) };
}

export type Runner = (entry: ScheduleEntry, window: Window) => Promise<void>;

export async function runOnce(entries: ScheduleEntry[], run: Runner, log: Logger, now = Date.now()): Promise<{ name: string; ok: boolean }[]> {
  const results: { name: string; ok: boolean }[] = [];
  for (const e of entries) {
    try {
      await run(e, windowFor(e, now));
      results.push({ name: e.name, ok: true });
    } catch (err) {
      log.error('scheduled run failed', { job: e.name, error: String(err instanceof Error ? err.message : err) });
      results.push({ name: e.name, ok: false });
    }
  }
  return results;
}

export function startScheduler(entries: ScheduleEntry[], run: Runner, log: Logger): ScheduledTask[] {
  // node-cron speaks through our structured log, so skipped overlaps show up like everything else.
  const cronLog = {
    info: (m: string) => log.info(m, { component: 'node-cron' }),
    warn: (m: string) => log.warn(m, { component: 'node-cron' }),
    error: (m: string | Error) => log.error(String(m), { component: 'node-cron' }),
    debug: (m: string | Error) => log.debug(String(m), { component: 'node-cron' }),
  };
  return entries.map((e) => {
    const fire = async (firedAt: Date) => {
      const started = Date.now();
      try {
        await run(e, windowFor(e, firedAt.getTime()));
        log.info('scheduled run finished', { job: e.name, duration_ms: Date.now() - started });
      } catch (err) {
        // A failed run publishes nothing; the scheduler keeps going and the next tick retries.
        log.error('scheduled run failed', { job: e.name, error: String(err instanceof Error ? err.message : err) });
      }
    };
    // noOverlap: a tick that comes while the previous run of this job is still going is skipped.
    const task = cron.schedule(e.cron, (ctx) => fire(ctx.date), { name: e.name, timezone: 'UTC', noOverlap: true, logger: cronLog });
    log.info('scheduled', { job: e.name, cron: e.cron, next_run: task.getNextRun()?.toISOString() });
    return task;
  });
}
