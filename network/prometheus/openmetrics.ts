// The peer's series as OpenMetrics text, one sample per 15 s scrape, so a real Prometheus can be
// backfilled with the same history (`promtool tsdb create-blocks-from openmetrics`) and queried
// side by side with the peer.
import type { Window } from '../../lib/time.ts';
import { formatValue } from './server.ts';
import { SCRAPE_INTERVAL_MS, valueAt, type Series } from './series.ts';

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function toOpenMetrics(series: Series[], scrape: Window): string {
  const first = Math.ceil(scrape.from / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
  const families = new Map<string, Series[]>();
  for (const s of series) {
    const name = s.labels.__name__!;
    families.set(name, [...(families.get(name) ?? []), s]);
  }
  const lines: string[] = [];
  // Families are written whole, one after another: OpenMetrics forbids interleaving them.
  for (const name of [...families.keys()].sort()) {
    for (const s of families.get(name)!) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      for (let t = first; t < scrape.to; t += SCRAPE_INTERVAL_MS) {
        const v = valueAt(s, t);
        if (v !== undefined) lines.push(`${name}{${labels}} ${formatValue(v)} ${t / 1000}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
