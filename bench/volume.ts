// How a benchmark asks the embedded network for a volume: the network calibrates its size and demand
// to the gateway events a day asked for (network/calibrate.ts, within 10 %).

/** The `lpdata network` options that ask for about `eventsPerDay` gateway events a day. */
export function volumeArgs(eventsPerDay: number): string[] {
  return ['--events-per-day', String(Math.round(eventsPerDay))];
}
