// Branded time values: a plain number cannot be passed where a Unix-millisecond instant is expected.
import { UserError } from './errors.ts';

export type UnixMs = number & { readonly __unit: 'ms' };

export const ms = (n: number): UnixMs => n as UnixMs;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A half-open UTC interval [from, to). */
export interface Window {
  from: UnixMs;
  to: UnixMs;
}

export function parseInstant(text: string, name: string): UnixMs {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(t)) {
    throw new UserError(`${name}: "${text}" is not a date or time`, 'use YYYY-MM-DD or an RFC 3339 time in UTC, e.g. 2026-11-16T00:00:00Z');
  }
  return ms(t);
}

export function parseWindow(from: string, to: string): Window {
  const w = { from: parseInstant(from, '--from'), to: parseInstant(to, '--to') };
  if (w.to <= w.from) throw new UserError(`window ${from} .. ${to} is empty`, 'give a --to later than --from');
  return w;
}

export const isoDay = (t: UnixMs): string => new Date(t).toISOString().slice(0, 10);
export const iso = (t: UnixMs): string => new Date(t).toISOString().replace('.000Z', 'Z');
export const floorDay = (t: number): UnixMs => ms(Math.floor(t / DAY_MS) * DAY_MS);
export const floorHour = (t: number): UnixMs => ms(Math.floor(t / HOUR_MS) * HOUR_MS);

/** The UTC days that intersect a window, each as its own window. */
export function days(w: Window): Window[] {
  const out: Window[] = [];
  for (let d = floorDay(w.from); d < w.to; d = ms(d + DAY_MS)) {
    out.push({ from: ms(Math.max(d, w.from)), to: ms(Math.min(d + DAY_MS, w.to)) });
  }
  return out;
}
