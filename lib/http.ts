// HTTP with timeouts and retries (exponential backoff with full jitter, honouring Retry-After).
import { logger, type Logger } from './log.ts';

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status} from ${redactUrl(url)}: ${body.slice(0, 300)}`);
    this.name = 'HttpError';
  }
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  log?: Logger;
  /** Called before every attempt; lets a connector keep under a rate limit. */
  beforeAttempt?: () => Promise<void>;
  /**
   * Checks a 2xx body; a problem it returns is retried like a 5xx (a body cut short in transfer
   * arrives with status 200).
   */
  checkBody?: (text: string) => string | undefined;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** The body as received (Parquet and other binary objects). */
  bytes: Buffer;
  text: string;
  attempts: number;
}

const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));

const retryable = (status: number) => status === 429 || status === 408 || status >= 500;

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(parseFloat(value) * 1000);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : undefined;
}

export async function request(url: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const l = opts.log ?? logger({ component: 'http' });
  const retries = opts.retries ?? 5;
  const base = opts.baseDelayMs ?? 250;
  const cap = opts.maxDelayMs ?? 30_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    await opts.beforeAttempt?.();
    let delay = Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
    try {
      const res = await fetch(url, {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        body: opts.body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = bytes.toString('utf8');
      const bodyProblem = res.ok ? opts.checkBody?.(text) : undefined;
      if (res.ok && !bodyProblem) return { status: res.status, headers: res.headers, bytes, text, attempts: attempt };
      if (bodyProblem) throw new BodyError(url, bodyProblem);
      lastError = new HttpError(url, res.status, text);
      if (!retryable(res.status)) throw lastError;
      const hinted = retryAfterMs(res.headers.get('retry-after'));
      if (hinted !== undefined) delay = Math.min(hinted, cap * 4);
    } catch (err) {
      if (err instanceof HttpError && !retryable(err.status)) throw err;
      lastError = err;
    }
    if (attempt <= retries) {
      l.warn('retrying request', { url: redactUrl(url), attempt, delay_ms: Math.round(delay), error: String(lastError) });
      await sleep(delay);
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

class BodyError extends Error {
  constructor(url: string, problem: string) {
    super(`response from ${redactUrl(url)}: ${problem}`);
    this.name = 'BodyError';
  }
}

function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return `body is not complete JSON (${text.length} bytes, ends ${JSON.stringify(text.slice(-40))})`;
  }
}

export async function requestJson<T = unknown>(url: string, opts: RequestOptions = {}): Promise<{ body: T; text: string; attempts: number }> {
  const res = await request(url, { ...opts, headers: { accept: 'application/json', ...(opts.headers ?? {}) }, checkBody: jsonProblem });
  return { body: JSON.parse(res.text) as T, text: res.text, attempts: res.attempts };
}

/**
 * Removes credentials from a URL before it is logged or written: user info, query values that
 * look like keys, and The Graph's `/api/<key>/` path segment.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = 'redacted';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) {
      if (/key|token|secret|auth|password/i.test(k)) u.searchParams.set(k, 'redacted');
    }
    u.pathname = u.pathname.replace(/\/api\/[0-9a-f]{20,}\//i, '/api/redacted/');
    return u.toString();
  } catch {
    return url;
  }
}
