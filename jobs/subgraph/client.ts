// GraphQL over HTTP POST to a graph-node endpoint (The Graph gateway, Studio, or the embedded peer).
// The URL can hold an API key, so only its redacted form is ever logged or written.
import { UserError } from '../../lib/errors.ts';
import { HttpError, redactUrl, requestJson } from '../../lib/http.ts';
import type { Logger } from '../../lib/log.ts';
import { META_QUERY } from './entities.ts';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string }[];
}

export interface SubgraphHead {
  number: number;
  hash: string | null;
  /** Unix seconds; graph-node reports it for the latest block. */
  timestamp: number | null;
  deployment: string;
  hasIndexingErrors: boolean;
}

export interface ClientOptions {
  timeoutMs?: number;
  retries?: number;
  /** Waits between attempts when an indexer behind a gateway has not reached the pinned block yet. */
  lagRetryDelaysMs?: number[];
}

const LAGGING = /has only indexed up to block number/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SubgraphClient {
  readonly endpoint: string;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly opts: ClientOptions = {},
  ) {
    this.endpoint = redactUrl(url);
  }

  /** Sends one query and returns `data`, or fails naming the query and the server's messages. */
  async query<T>(name: string, text: string, variables: Record<string, unknown> = {}): Promise<T> {
    const delays = this.opts.lagRetryDelaysMs ?? [2_000, 5_000, 15_000];
    for (let attempt = 0; ; attempt++) {
      const messages = await this.send<T>(text, variables);
      if (!Array.isArray(messages)) return messages.data;
      const lagging = messages.every((m) => LAGGING.test(m));
      if (lagging && attempt < delays.length) {
        this.log.warn('subgraph indexer behind the pinned block; retrying', { query: name, endpoint: this.endpoint, attempt: attempt + 1 });
        await sleep(delays[attempt]!);
        continue;
      }
      throw new UserError(
        `subgraph at ${this.endpoint} rejected query ${name}: ${messages.join('; ')}`,
        lagging
          ? 'the indexer serving this endpoint is behind; retry later or point LPDATA_SUBGRAPH_URL at a synced deployment'
          : 'check that LPDATA_SUBGRAPH_URL serves the Livepeer subgraph (livepeer/subgraph schema.graphql); an unknown field or type means the deployed schema differs from the one the connector was written for',
      );
    }
  }

  private async send<T>(text: string, variables: Record<string, unknown>): Promise<{ data: T } | string[]> {
    let body: GraphQLResponse<T>;
    try {
      ({ body } = await requestJson<GraphQLResponse<T>>(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text, variables }),
        timeoutMs: this.opts.timeoutMs ?? 60_000,
        retries: this.opts.retries ?? 5,
        log: this.log,
      }));
    } catch (err) {
      // GraphQL servers answer malformed queries with 4xx and a GraphQL error body; surface its messages.
      if (err instanceof HttpError && err.status < 500) {
        const parsed = tryJson<GraphQLResponse<T>>(err.body);
        if (parsed?.errors?.length) return parsed.errors.map((e) => e.message);
      }
      throw err;
    }
    if (body.errors?.length) return body.errors.map((e) => e.message);
    if (!body.data) return ['response has neither data nor errors'];
    return { data: body.data };
  }

  /** The latest indexed block, which every page of a run is pinned to. */
  async head(): Promise<SubgraphHead> {
    const data = await this.query<{ _meta: { block: { number: number; hash: string | null; timestamp: number | null }; deployment: string; hasIndexingErrors: boolean } | null }>('meta', META_QUERY);
    const meta = data._meta;
    if (!meta || !Number.isInteger(meta.block?.number)) throw new UserError(`subgraph at ${this.endpoint} returned no _meta block`, 'check that LPDATA_SUBGRAPH_URL points at a graph-node subgraph endpoint');
    return { number: meta.block.number, hash: meta.block.hash ?? null, timestamp: meta.block.timestamp ?? null, deployment: meta.deployment, hasIndexingErrors: meta.hasIndexingErrors };
  }
}

function tryJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
