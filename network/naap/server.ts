// The NaaP analytics REST API peer (docs/sources.md §3; Cloud-SPE/livepeer-naap-analytics
// api/internal/runtime): cursor-paged hourly routes, the two inventory routes, /healthz, RFC 7807
// errors, and Traefik's per-client rate limit in front.
import type { Truth } from '../activity.ts';
import { goTime, startHttpServer, text, type PeerRequest, type Reply } from '../http-server.ts';
import type { World } from '../world.ts';
import { decodeCursor, encodeCursor, InvalidCursor } from './cursor.ts';
import { buildTables, type Keyed, type NaapTables } from './rows.ts';

export interface NaapOptions {
  /** The server's notion of "now" (defaults to the end of the world's window); never the clock. */
  now?: number;
  /** Traefik's limit per client address: 100 req/s sustained with a burst of 200 in production. */
  rateLimit?: { perSecond: number; burst: number };
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** Token bucket per client, as Traefik's ratelimit middleware (golang.org/x/time/rate) keeps it. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Undefined when admitted, else the wait in ms until a token is available. */
  take(client: string): number | undefined {
    const now = this.clock();
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return ((1 - b.tokens) / this.perSecond) * 1000;
  }
}

/** Traefik's 429: plain text, Retry-After in whole seconds rounded up, X-Retry-In as a Go duration. */
function tooManyRequests(waitMs: number): Reply {
  return text(429, 'Too Many Requests', { 'retry-after': String(Math.ceil(waitMs / 1000)), 'x-retry-in': `${(waitMs / 1000).toFixed(3)}s` });
}

export function problem(status: number, title: string, detail = ''): Reply {
  const body: Record<string, unknown> = { type: 'about:blank', title, status };
  if (detail) body.detail = detail;
  return { status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body) + '\n' };
}

const ok = (value: unknown): Reply => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) + '\n' });

/** time.Parse(time.RFC3339, s) accepts this shape; anything else silently falls back to the default. */
function parseRfc3339(s: string | null): number | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

function parseLimit(s: string | null): number {
  if (s === null || s === '' || !/^[+-]?\d+$/.test(s)) return DEFAULT_LIMIT;
  const n = Number(s);
  return n > 0 && n <= MAX_LIMIT ? n : DEFAULT_LIMIT;
}

type Order = 'keys-asc' | 'keys-desc';

function compare(order: Order) {
  return (a: { t: number; keys: string[] }, b: { t: number; keys: string[] }): number => {
    if (a.t !== b.t) return b.t - a.t;
    for (let i = 0; i < a.keys.length; i++) {
      const x = a.keys[i]!;
      const y = b.keys[i] ?? '';
      if (x !== y) return (x < y ? -1 : 1) * (order === 'keys-asc' ? 1 : -1);
    }
    return 0;
  };
}

interface PagedRoute {
  rows: Keyed<unknown>[];
  keyCount: number;
  order: Order;
}

function paged(route: PagedRoute, req: PeerRequest, now: number): Reply {
  const q = req.url.searchParams;
  for (const legacy of ['offset', 'page', 'page_size']) {
    if (q.has(legacy)) return problem(400, 'Bad Request', `query parameter "${legacy}" is no longer supported; use limit and cursor`);
  }
  const end = parseRfc3339(q.get('end')) ?? now;
  const start = parseRfc3339(q.get('start')) ?? now - 24 * 3_600_000;
  const limit = parseLimit(q.get('limit'));
  let cursor: { t: number; keys: string[] } | undefined;
  try {
    cursor = decodeCursor((q.get('cursor') ?? '').trim(), route.keyCount);
  } catch (err) {
    if (err instanceof InvalidCursor) return problem(400, 'Bad Request', err.message);
    throw err;
  }
  const cmp = compare(route.order);
  const page: Keyed<unknown>[] = [];
  for (const r of route.rows) {
    if (r.t < start || r.t >= end) continue;
    // A cursor time of 0 means "no cursor" in NaaP's query (`? = 0 OR ...`).
    if (cursor && cursor.t !== 0 && cmp(r, cursor) <= 0) continue;
    page.push(r);
    if (page.length > limit) break;
  }
  let next = '';
  if (page.length > limit) {
    const last = page[limit - 1]!;
    next = encodeCursor(last.t, last.keys);
    page.length = limit;
  }
  return ok({
    data: page.map((r) => r.row),
    pagination: { next_cursor: next, has_more: next !== '', page_size: page.length },
    // NaaP stamps the wall clock here; the peer stamps its data horizon so replies are reproducible.
    meta: { generated_at: goTime(now), request_id: String(req.headers['x-request-id'] ?? '') },
  });
}

export function naapHandler(tables: NaapTables) {
  const sorted = <T>(rows: Keyed<T>[], order: Order) => [...rows].sort(compare(order));
  // Keysets are NaaP's own plus `org` last: NaaP's rows are per org but its keyset omits it, so two
  // rows differing only by org can straddle a page boundary and one is skipped; the peer keeps
  // every row reachable, and the cursor stays an opaque array of strings to the client.
  const routes: Record<string, PagedRoute> = {
    '/v1/streaming/sla': { rows: sorted(tables.sla, 'keys-asc'), keyCount: 5, order: 'keys-asc' },
    '/v1/streaming/demand': { rows: sorted(tables.demand, 'keys-asc'), keyCount: 4, order: 'keys-asc' },
    '/v1/streaming/gpu-metrics': { rows: sorted(tables.gpuMetrics, 'keys-asc'), keyCount: 5, order: 'keys-asc' },
    '/v1/requests/ai-batch/jobs': { rows: sorted(tables.aiBatchJobs, 'keys-desc'), keyCount: 1, order: 'keys-desc' },
  };
  const plain: Record<string, () => Reply> = {
    '/healthz': () => ok({ status: 'ok' }),
    '/v1/streaming/models': () => ok(tables.models),
    '/v1/streaming/orchestrators': () => ok(tables.orchestrators),
  };
  return (req: PeerRequest): Reply => {
    const path = req.url.pathname;
    const route = routes[path];
    const simple = plain[path];
    if (!route && !simple) return text(404, '404 page not found\n');
    if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' }, body: '' };
    return route ? paged(route, req, tables.now) : simple!();
  };
}

export async function startNaap(world: World, activity: Truth, opts: NaapOptions = {}) {
  const tables = buildTables(world, activity, opts.now ?? world.window.to);
  const limits = opts.rateLimit ?? { perSecond: 100, burst: 200 };
  const limiter = new RateLimiter(limits.perSecond, limits.burst);
  const handle = naapHandler(tables);
  const server = await startHttpServer((req) => {
    const wait = limiter.take(req.client);
    return wait === undefined ? handle(req) : tooManyRequests(wait);
  });
  return { url: server.url, stop: server.stop, inject: server.inject, log: server.log, tables };
}
