// The peer's series as OpenMetrics text, one sample per 15 s scrape, so a real Prometheus can be
// backfilled with the same history (`promtool tsdb create-blocks-from openmetrics`) and queried
// side by side with the peer.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Window } from '../../lib/time.ts';
import { formatValue } from './server.ts';
import { SCRAPE_INTERVAL_MS, valueAt, type Series } from './series.ts';

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The history as OpenMetrics lines, one at a time: a long window never sits in memory as text. */
export function* openMetricsLines(series: Series[], scrape: Window): Generator<string> {
  const first = Math.ceil(scrape.from / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
  const families = new Map<string, Series[]>();
  for (const s of series) {
    const name = s.labels.__name__!;
    families.set(name, [...(families.get(name) ?? []), s]);
  }
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
        if (v !== undefined) yield `${name}{${labels}} ${formatValue(v)} ${t / 1000}\n`;
      }
    }
  }
  yield '# EOF\n';
}

/** Writes the history to `path` for `promtool tsdb create-blocks-from openmetrics`. */
export async function writeOpenMetrics(path: string, series: Series[], scrape: Window): Promise<void> {
  await pipeline(Readable.from(batches(openMetricsLines(series, scrape))), createWriteStream(path));
}

/** Groups lines into chunks of about 1 MB, so the stream does not pay per line. */
function* batches(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const l of lines) {
    chunk += l;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
