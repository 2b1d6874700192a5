// Provider limits: behind a loopback proxy that refuses wide eth_getLogs ranges the way hosted RPCs
// do, the connector halves its chunks, grows them back, and writes exactly what a direct run writes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeChainJob } from '../../jobs/chain/job.ts';
import { isRangeLimitError } from '../../jobs/chain/rpc.ts';
import { startChain, type EmbeddedChain } from '../../network/chain/index.ts';
import { planProtocol } from '../../network/protocol.ts';
import { createWorld } from '../../network/world.ts';
import { chainContext, handMadePayments, readPartitions, tempDataDir } from './fixtures.ts';

const world = createWorld();
const plan = planProtocol(world, handMadePayments(world, 120));
const dirs: string[] = [];
let chain: EmbeddedChain;

interface LimitingProxy {
  url: string;
  /** Block spans of the eth_getLogs calls it let through and refused. */
  served: number[];
  refused: number[];
  order: ('served' | 'refused')[];
  close(): Promise<void>;
}

/** Forwards JSON-RPC to anvil; answers eth_getLogs over `maxBlocks` blocks with Infura's error. */
async function limitingProxy(target: string, maxBlocks: number): Promise<LimitingProxy> {
  const served: number[] = [];
  const refused: number[] = [];
  const order: ('served' | 'refused')[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', async () => {
      const call = JSON.parse(body) as { id: number; method: string; params: { fromBlock: string; toBlock: string }[] };
      if (call.method === 'eth_getLogs') {
        const span = Number(call.params[0]!.toBlock) - Number(call.params[0]!.fromBlock) + 1;
        if (span > maxBlocks) {
          refused.push(span);
          order.push('refused');
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32005, message: 'query returned more than 10000 results' } }));
          return;
        }
        served.push(span);
        order.push('served');
      }
      const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.setHeader('content-type', 'application/json');
      res.end(await upstream.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, served, refused, order, close: () => new Promise((r) => server.close(() => r())) };
}

let proxy: LimitingProxy;

beforeAll(async () => {
  chain = await startChain(world, plan);
  proxy = await limitingProxy(chain.rpcUrl, 50);
});

afterAll(async () => {
  await proxy?.close();
  await chain?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('chunked eth_getLogs', () => {
  it('halves refused ranges, grows back, and writes what a direct run writes', async () => {
    const job = makeChainJob('TicketBroker');
    const direct = await tempDataDir(dirs);
    await job.run(chainContext(world, direct, chain.rpcUrl));
    const limited = await tempDataDir(dirs);
    const result = await job.run(chainContext(world, limited, proxy.url));

    expect(proxy.refused.length).toBeGreaterThan(0);
    expect(Math.max(...proxy.served)).toBeLessThanOrEqual(50);
    // After successes the chunk grows back, so a later, wider request is refused once more.
    expect(proxy.order.indexOf('served')).toBeLessThan(proxy.order.lastIndexOf('refused'));
    const stats = result.manifests[0]!.extra.get_logs as { requests: number; shrinks: number; smallestChunk: number };
    expect(stats.shrinks).toBe(proxy.refused.length);
    expect(stats.requests).toBe(proxy.served.length + proxy.refused.length);
    expect(stats.smallestChunk).toBeLessThanOrEqual(50);
    expect(proxy.served.length).toBeGreaterThan(1);

    const [a] = await readPartitions(direct, 'ticketbroker');
    const [b] = await readPartitions(limited, 'ticketbroker');
    expect(b!.manifest.rows).toBe(plan.events.filter((e) => e.contract === 'TicketBroker').length);
    expect(b!.manifest.sha256).toBe(a!.manifest.sha256);
  });

  it('gives up with a clear error when even one block is refused', async () => {
    const stingy = await limitingProxy(chain.rpcUrl, 0);
    try {
      const ctx = chainContext(world, await tempDataDir(dirs), stingy.url);
      await expect(makeChainJob('Minter', { initialChunkBlocks: 4 }).run(ctx)).rejects.toThrow(/a single block is still too much/);
    } finally {
      await stingy.close();
    }
  });

  it('recognises the range and result limits of common providers, and only those', () => {
    const refusals = [
      'query returned more than 10000 results',
      'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
      'eth_getLogs is limited to a 10,000 range',
      'block range is too wide',
      'exceed maximum block range: 50000',
      'query exceeds max block range 100000',
      'block range too large',
      'HTTP response body exceeded the size limit.\n\nMax: 10485760 bytes\nReceived: 11581516 bytes',
    ];
    for (const message of refusals) expect(isRangeLimitError(new Error(message)), message).toBe(true);
    const others = ['execution reverted', 'project ID request rate exceeded', '20/second request limit reached - reduce calls per second', 'header not found'];
    for (const message of others) expect(isRangeLimitError(new Error(message)), message).toBe(false);
  });
});
