// A loopback HTTP server for the embedded network's peers. Each peer is a pure function from a
// request to a reply; this module owns the socket, the request body, fault injection for tests
// (a queue of canned replies served before the peer answers) and a clean stop.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** Tests: hold the reply this long first (a slow or hung upstream). */
  delayMs?: number;
}

export interface PeerRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** Remote address; a rate limiter keys on it as Traefik keys on the client IP. */
  client: string;
  body: string;
  /** The body as received, for binary (multipart) requests. */
  bytes: Buffer;
}

const LOG_LIMIT = 100_000;

export type Handler = (req: PeerRequest) => Reply | Promise<Reply>;

export interface PeerServer {
  url: string;
  stop(): Promise<void>;
  /** Queues replies served, in order, instead of the peer's own answer (upstream failures in tests). */
  inject(...faults: Reply[]): void;
  /** Requests seen (the most recent, up to 100,000), as `METHOD path?query`, in arrival order. */
  readonly log: string[];
}

export async function startHttpServer(handler: Handler): Promise<PeerServer> {
  const faults: Reply[] = [];
  const log: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      log.push(`${req.method} ${url.pathname}${url.search}`);
      // A long-running network keeps only recent requests; tests look at a few hundred at most.
      if (log.length > LOG_LIMIT) log.splice(0, LOG_LIMIT / 2);
      const peerReq: PeerRequest = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        client: req.socket.remoteAddress ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        bytes: Buffer.concat(chunks),
      };
      const fault = faults.shift();
      Promise.resolve()
        .then(() => fault ?? handler(peerReq))
        .catch((err: unknown): Reply => ({ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `internal error: ${String(err)}\n` }))
        .then(async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (res.destroyed) return;
          res.writeHead(reply.status, { 'content-length': Buffer.byteLength(reply.body), ...(reply.headers ?? {}) });
          res.end(reply.body);
        });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    inject: (...f) => faults.push(...f),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const s of sockets) s.destroy();
      }),
  };
}

export const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** Go's time.Time JSON form (RFC 3339 with trailing zeros of the fraction dropped). */
export function goTime(msSinceEpoch: number): string {
  const iso = new Date(msSinceEpoch).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}
