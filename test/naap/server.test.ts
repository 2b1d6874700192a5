// The NaaP peer over real HTTP: cursor paging, defaults, errors and the rate limit as NaaP serves them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../network/naap/cursor.ts';
import { RateLimiter, startNaap } from '../../network/naap/server.ts';
import { createWorld } from '../../network/world.ts';
import { bulkActivity } from './truth.ts';

const world = createWorld({ start: '2026-11-16', days: 2 });
const activity = bulkActivity(world, 300);
let peer: Awaited<ReturnType<typeof startNaap>>;

beforeAll(async () => {
  // Paging tests send hundreds of requests; the limiter has its own test below.
  peer = await startNaap(world, activity, { rateLimit: { perSecond: 1e6, burst: 1e6 } });
});
afterAll(async () => {
  await peer.stop();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${peer.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, text: await res.text() };
}

async function allPages(route: string, params: Record<string, string>) {
  const rows: unknown[] = [];
  let cursor = '';
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams(params);
    if (cursor) q.set('cursor', cursor);
    const r = await get(`${route}?${q}`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    pages++;
    expect(body.pagination.page_size).toBe(body.data.length);
    rows.push(...body.data);
    if (!body.pagination.has_more) {
      expect(body.pagination.next_cursor).toBe('');
      return { rows, pages };
    }
    cursor = body.pagination.next_cursor;
  }
}

const day1 = { start: '2026-11-16T00:00:00Z', end: '2026-11-17T00:00:00Z' };

describe('NaaP peer', () => {
  it('pages every row of each route exactly once, newest hour first', async () => {
    const cases = [
      ['/v1/streaming/sla', peer.tables.sla],
      ['/v1/streaming/demand', peer.tables.demand],
      ['/v1/streaming/gpu-metrics', peer.tables.gpuMetrics],
      ['/v1/requests/ai-batch/jobs', peer.tables.aiBatchJobs],
    ] as const;
    for (const [route, table] of cases) {
      const expected = table.filter((r) => r.t >= Date.parse(day1.start) && r.t < Date.parse(day1.end)).map((r) => JSON.stringify(r.row));
      expect(expected.length).toBeGreaterThan(37);
      const { rows, pages } = await allPages(route, { ...day1, limit: '37' });
      const got = rows.map((r) => JSON.stringify(r));
      expect(new Set(got).size).toBe(got.length);
      expect([...got].sort()).toEqual([...expected].sort());
      expect(pages).toBe(Math.ceil(expected.length / 37));
      const times = rows.map((r) => Date.parse(((r as Record<string, string>).window_start ?? (r as Record<string, string>).completed_at)!));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
  });

  it('never serves null: every key of every row is present and NULLs are served as "" or 0 (§3)', () => {
    const tables = [peer.tables.sla, peer.tables.demand, peer.tables.gpuMetrics, peer.tables.aiBatchJobs].map((t) => t.map((r) => r.row as unknown as Record<string, unknown>));
    for (const rows of [...tables, peer.tables.models as unknown as Record<string, unknown>[], peer.tables.orchestrators as unknown as Record<string, unknown>[]]) {
      expect(rows.length).toBeGreaterThan(0);
      const keys = Object.keys(rows[0]!);
      for (const r of rows) {
        expect(Object.keys(r)).toEqual(keys);
        for (const v of Object.values(r)) expect(v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))).toBe(false);
      }
    }
    for (const r of peer.tables.sla) expect(r.row.sla_score).toBeGreaterThanOrEqual(0);
  });

  it('keeps rows that differ only by org on both sides of a page boundary', async () => {
    const inDay = peer.tables.sla.filter((r) => r.t < Date.parse(day1.end));
    const withoutOrg = inDay.map((r) => [r.t, ...r.keys.slice(0, 4)].join('|'));
    expect(new Set(withoutOrg).size).toBeLessThan(withoutOrg.length);
    const { rows } = await allPages('/v1/streaming/sla', { ...day1, limit: '1' });
    expect(rows).toHaveLength(inDay.length);
  });

  it('serves the exact wire shape of an SLA row', async () => {
    const body = JSON.parse((await get(`/v1/streaming/sla?${new URLSearchParams({ ...day1, limit: '1' })}`)).text);
    expect(Object.keys(body)).toEqual(['data', 'pagination', 'meta']);
    expect(Object.keys(body.data[0])).toEqual([
      'window_start', 'org', 'orchestrator_address', 'pipeline_id', 'model_id', 'gpu_id', 'requested_sessions',
      'startup_success_sessions', 'effective_success_rate', 'no_swap_rate', 'avg_output_fps', 'sla_score',
    ]);
    expect(body.data[0].window_start).toBe('2026-11-16T23:00:00Z');
    expect(body.data[0].orchestrator_address).toMatch(/^(0x[0-9a-f]{40}|)$/);
    expect(body.meta).toEqual({ generated_at: '2026-11-18T00:00:00Z', request_id: '' });
    const withId = JSON.parse((await get(`/v1/streaming/sla?limit=1`, { 'x-request-id': 'abc-1' })).text);
    expect(withId.meta.request_id).toBe('abc-1');
  });

  it('falls back silently on bad bounds and limits, as NaaP does', async () => {
    const def = JSON.parse((await get('/v1/streaming/demand?start=yesterday&limit=5000')).text);
    // limit out of range -> 50; start unparseable -> now - 24 h, i.e. the second day only.
    expect(def.data).toHaveLength(50);
    expect(def.data.every((r: { window_start: string }) => r.window_start >= '2026-11-17T00:00:00Z')).toBe(true);
  });

  it('answers bad cursors and legacy parameters with RFC 7807 problems', async () => {
    for (const [path, detail] of [
      ['/v1/streaming/sla?cursor=***', 'invalid cursor: decode token'],
      [`/v1/streaming/sla?cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'invalid cursor: decode payload'],
      [`/v1/streaming/sla?cursor=${encodeCursor(1, ['x'])}`, 'invalid cursor: expected 6 values, got 2'],
      ['/v1/requests/ai-batch/jobs?offset=10', 'query parameter "offset" is no longer supported; use limit and cursor'],
    ] as const) {
      const r = await get(path);
      expect(r.status).toBe(400);
      expect(r.type).toBe('application/problem+json');
      expect(JSON.parse(r.text)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail });
    }
    const missing = await get('/v1/streaming/nope');
    expect(missing.status).toBe(404);
  });

  it('round-trips cursors as unpadded base64url JSON arrays of strings', () => {
    const c = encodeCursor(1763337600000, ['0xab', 'live-video-to-video', 'm', 'GPU-1', 'daydream']);
    expect(c).not.toMatch(/[=+/]/);
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual(['1763337600000', '0xab', 'live-video-to-video', 'm', 'GPU-1', 'daydream']);
    expect(decodeCursor(c, 5)).toEqual({ t: 1763337600000, keys: ['0xab', 'live-video-to-video', 'm', 'GPU-1', 'daydream'] });
  });

  it('serves the inventory routes and health', async () => {
    expect(JSON.parse((await get('/healthz')).text)).toEqual({ status: 'ok' });
    const orchs = JSON.parse((await get('/v1/streaming/orchestrators')).text);
    expect(orchs.length).toBe(world.orchestrators.filter((o) => o.workflows.some((w) => w.live)).length);
    expect(Object.keys(orchs[0])).toEqual(['address', 'uri', 'models', 'gpu_count', 'last_seen']);
    const models = JSON.parse((await get('/v1/streaming/models')).text);
    for (const m of models) expect(m.available_capacity).toBe(m.gpu_slots - m.active_streams);
  });

  it('limits each client to its burst, then answers 429 with Retry-After', async () => {
    const small = await startNaap(world, bulkActivity(world, 10), { rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${small.url}/healthz`);
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get('retry-after');
          expect(await res.text()).toBe('Too Many Requests');
        } else await res.text();
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[3]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await small.stop();
    }
  });

  it('refills tokens at the sustained rate', () => {
    let now = 0;
    const l = new RateLimiter(100, 200, () => now);
    for (let i = 0; i < 200; i++) expect(l.take('a')).toBeUndefined();
    expect(l.take('a')).toBeCloseTo(10, 6);
    expect(l.take('b')).toBeUndefined();
    now += 50;
    for (let i = 0; i < 5; i++) expect(l.take('a')).toBeUndefined();
    expect(l.take('a')).toBeGreaterThan(0);
  });
});
