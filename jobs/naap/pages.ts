// Walks one NaaP cursor-paged route: explicit RFC 3339 bounds, the largest page size, and
// `next_cursor` until `has_more` is false (docs/sources.md §3, §15.5).
import { requestJson, type RequestOptions } from '../../lib/http.ts';
import type { Logger } from '../../lib/log.ts';
import type { Pacer } from './pacer.ts';

export interface PageEnvelope {
  data: unknown[];
  pagination: { next_cursor: string; has_more: boolean; page_size: number };
  meta?: Record<string, unknown>;
}

export interface PageWalk {
  base: string;
  route: string;
  params: Record<string, string>;
  pacer: Pacer;
  log: Logger;
  http?: Pick<RequestOptions, 'retries' | 'baseDelayMs' | 'timeoutMs'>;
}

function checkEnvelope(body: unknown, url: string): PageEnvelope {
  const b = body as Partial<PageEnvelope> | null;
  if (!b || !Array.isArray(b.data) || !b.pagination || typeof b.pagination.has_more !== 'boolean' || typeof b.pagination.next_cursor !== 'string') {
    throw new Error(`${url} did not return a NaaP cursor page ({data, pagination{next_cursor, has_more}}); is LPDATA_NAAP_URL the API root?`);
  }
  return b as PageEnvelope;
}

/** Yields each page's rows in order; stops when the server says there is no more. */
export async function* walkPages(w: PageWalk): AsyncGenerator<unknown[]> {
  let cursor = '';
  const seen = new Set<string>();
  for (;;) {
    const q = new URLSearchParams(w.params);
    if (cursor) q.set('cursor', cursor);
    const url = `${w.base.replace(/\/$/, '')}${w.route}?${q}`;
    const { body } = await requestJson(url, { ...w.http, log: w.log, beforeAttempt: () => w.pacer.acquire() });
    const page = checkEnvelope(body, url);
    yield page.data;
    if (!page.pagination.has_more) return;
    const next = page.pagination.next_cursor;
    // A server that hands back a cursor already used would loop forever; stop loudly instead.
    if (!next || seen.has(next)) throw new Error(`${w.route} returned has_more=true with ${next ? 'a repeated' : 'an empty'} next_cursor; refusing to loop`);
    seen.add(next);
    cursor = next;
  }
}
