// How a benchmark asks the embedded network for a volume. `lpdata network` takes a scale today, so
// events a day map to a scale through a factor measured on this simulator (scale 1 over one day:
// 114,881 events, scale 2: 237,499; DEFAULT_WORLD seed). When the network takes
// `WorldOptions.eventsPerDay`, this becomes `['--events-per-day', String(n)]`.
export const EVENTS_PER_SCALE_DAY = 117_000;

/** The `lpdata network` options that ask for about `eventsPerDay` gateway events a day. */
export function volumeArgs(eventsPerDay: number): string[] {
  // The CLI's smallest scale is 0.1.
  const scale = Math.max(0.1, eventsPerDay / EVENTS_PER_SCALE_DAY);
  return ['--scale', scale.toFixed(2)];
}
