// The embedded Livepeer subgraph: indexes mined logs and serves them over GraphQL on 127.0.0.1 at a
// graph-node style path, so the production connector runs against it unchanged.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { MinedLog } from '../activity.ts';
import { SubgraphIndexer, type IndexerOptions } from './indexer.ts';
import { readModel } from './model.ts';
import { buildSubgraphSchema, type SubgraphSource } from './schema.ts';
import type { BlockPtr } from './store.ts';

export interface SubgraphOptions extends IndexerOptions {
  /** The chain head the subgraph reports as indexed (e.g. anvil's latest block); default: the last block with a log. */
  head?: BlockPtr;
  /** Deployment id shown in `_meta` and the URL; default: derived from the schema, like an IPFS hash of the manifest. */
  deployment?: string;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
}

export interface SubgraphServer {
  /** `http://127.0.0.1:<port>/subgraphs/id/<deployment>`: set LPDATA_SUBGRAPH_URL to this. */
  url: string;
  indexer: SubgraphIndexer;
  schema: GraphQLSchema;
  stop(): Promise<void>;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A CIDv0-shaped id (base58 of a sha2-256 multihash), stable for a given schema. */
export function deploymentId(sdl: string): string {
  const multihash = Buffer.concat([Buffer.from([0x12, 0x20]), createHash('sha256').update(sdl).digest()]);
  let n = BigInt(`0x${multihash.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  return out;
}

/** Indexes `logs` and builds the executable schema, without a server (tests validate queries against it). */
export function buildSubgraph(logs: readonly MinedLog[], opts: SubgraphOptions = {}): { indexer: SubgraphIndexer; schema: GraphQLSchema; source: SubgraphSource } {
  const model = readModel();
  const indexer = new SubgraphIndexer(model, opts);
  indexer.apply(logs);
  const last = indexer.head;
  if (opts.head && last && opts.head.number < last.number) {
    throw new Error(`subgraph head block ${opts.head.number} is before block ${last.number}, which carries indexed logs`);
  }
  const head = opts.head ?? last;
  const byHash = new Map(indexer.indexedBlocks.map((b) => [b.hash, b]));
  if (head) byHash.set(head.hash.toLowerCase(), head);
  const source: SubgraphSource = {
    store: indexer.store,
    model,
    head,
    blockByHash: (hash) => byHash.get(hash),
    deployment: opts.deployment ?? deploymentId(model.sdl),
  };
  return { indexer, schema: buildSubgraphSchema(source), source };
}

export async function startSubgraph(logs: readonly MinedLog[], opts: SubgraphOptions = {}): Promise<SubgraphServer> {
  return serveSubgraph(buildSubgraph(logs, opts), opts.port);
}

/** Serves a built subgraph; tests that save recorded entities into its store first use it directly. */
export async function serveSubgraph({ indexer, schema, source }: ReturnType<typeof buildSubgraph>, listenPort = 0): Promise<SubgraphServer> {
  const path = `/subgraphs/id/${source.deployment}`;
  const yoga = createYoga({ schema, graphqlEndpoint: path, logging: false, maskedErrors: false, graphiql: false, landingPage: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    indexer,
    schema,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
