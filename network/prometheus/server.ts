// A Prometheus HTTP API peer for `/api/v1/query_range` (GET or POST) over the simulated gateway
// series, with Prometheus' parameter parsing, 5-minute lookback, error bodies and its limit of
// 11,000 points per series (prometheus web/api/v1/api.go).
import type { Window } from '../../lib/time.ts';
import type { Activity } from '../activity.ts';
import { startHttpServer, text, type PeerRequest, type Reply } from '../http-server.ts';
import type { World } from '../world.ts';
import { matches, parseSelector, PromQLError } from './promql.ts';
import { buildSeries, SCRAPE_INTERVAL_MS, valueAt, type Labels, type Series } from './series.ts';

export interface PrometheusOptions {
  /** The span scrapes cover (defaults to the world's window); before and after it there are no samples. */
  scrapeWindow?: Window;
}

export const LOOKBACK_MS = 5 * 60_000;
export const MAX_POINTS = 11_000;

class BadData extends Error {}

const reply = (status: number, body: unknown): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const badData = (message: string): Reply => reply(400, { status: 'error', errorType: 'bad_data', error: message });

/** Unix seconds (fractions allowed) or RFC 3339, in ms. */
export function parseTime(s: string, param: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw new BadData(`invalid parameter "${param}": cannot parse "${s}" to a valid timestamp`);
}

const UNITS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Float seconds, or a Prometheus duration such as `1m`, `90s`, `1h30m`; in ms. */
export function parseDuration(s: string, param: string): number {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+)(ms|y|w|d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (s === '' || consumed !== s.length) throw new BadData(`invalid parameter "${param}": cannot parse "${s}" to a valid duration`);
  return total;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expText] = m;
  const digits = int! + frac;
  const exp = Number(expText);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits.padEnd(exp + 1, '0')}`;
}

/** labels.Compare: pairwise by sorted label name, then value, then count. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = Object.keys(a).sort();
  const y = Object.keys(b).sort();
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    const va = a[x[i]!]!;
    const vb = b[y[i]!]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return x.length - y.length;
}

const sortedLabels = (l: Labels): Labels => Object.fromEntries(Object.entries(l).sort(([p], [q]) => (p < q ? -1 : 1)));

export function prometheusHandler(series: Series[], scrape: Window) {
  const firstScrape = Math.ceil(scrape.from / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
  const lastScrape = Math.ceil(scrape.to / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS - SCRAPE_INTERVAL_MS;

  /** The sample an instant query at `t` sees: the latest scrape at or before t, at most 5 minutes old. */
  function sampleAt(s: Series, t: number): number | undefined {
    const at = Math.min(Math.floor(t / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS, lastScrape);
    if (at < firstScrape || at < t - LOOKBACK_MS) return undefined;
    // Undefined too when the series did not exist yet at that scrape.
    return valueAt(s, at);
  }

  function queryRange(params: URLSearchParams): Reply {
    const start = parseTime(params.get('start') ?? '', 'start');
    const end = parseTime(params.get('end') ?? '', 'end');
    if (end < start) throw new BadData('invalid parameter "end": end timestamp must not be before start time');
    const step = parseDuration(params.get('step') ?? '', 'step');
    if (step <= 0) throw new BadData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (Math.floor((end - start) / step) > MAX_POINTS) throw new BadData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    let matchers;
    try {
      matchers = parseSelector(params.get('query') ?? '');
    } catch (err) {
      if (err instanceof PromQLError) throw new BadData(`invalid parameter "query": ${err.message}`);
      throw err;
    }
    const result = series
      .filter((s) => matches(matchers, s.labels))
      .sort((a, b) => compareLabels(a.labels, b.labels))
      .map((s) => {
        const values: [number, string][] = [];
        for (let t = start; t <= end; t += step) {
          const v = sampleAt(s, t);
          if (v !== undefined) values.push([t / 1000, formatValue(v)]);
        }
        return { metric: sortedLabels(s.labels), values };
      })
      .filter((r) => r.values.length > 0);
    return reply(200, { status: 'success', data: { resultType: 'matrix', result } });
  }

  return (req: PeerRequest): Reply => {
    if (req.url.pathname !== '/api/v1/query_range') return text(404, '404 page not found\n');
    if (req.method !== 'GET' && req.method !== 'POST') return text(405, 'Method Not Allowed\n');
    // r.FormValue: a form body takes precedence over the URL query.
    const params = new URLSearchParams(req.url.search);
    if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
    }
    try {
      return queryRange(params);
    } catch (err) {
      if (err instanceof BadData) return badData(err.message);
      throw err;
    }
  };
}

/** Serves series collected while the network streamed, or those of a whole in-memory activity. */
export async function startPrometheus(world: World, source: Series[] | Pick<Activity, 'sessions' | 'payments' | 'events'>, opts: PrometheusOptions = {}) {
  const series = Array.isArray(source) ? source : buildSeries(world, source);
  const server = await startHttpServer(prometheusHandler(series, opts.scrapeWindow ?? world.window));
  return { url: server.url, stop: server.stop, inject: server.inject, log: server.log, series };
}
