import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import { ms } from '../../lib/time.ts';
import { readWatermark } from '../../lib/watermark.ts';
import type { JobContext } from '../../jobs/job.ts';
import { SubgraphClient } from '../../jobs/subgraph/client.ts';
import { ENTITY_SPECS } from '../../jobs/subgraph/entities.ts';
import { subgraphJobs } from '../../jobs/subgraph/index.ts';
import { startSubgraph, type SubgraphServer } from '../../network/subgraph/server.ts';
import { T0, ticketStorm } from './fixtures.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const storm = ticketStorm(2_500);
const tickets = storm.logs.filter((l) => l.eventName === 'WinningTicketRedeemed');
const FETCHED_AT = new Date('2026-11-18T00:00:00Z');
const window = { from: ms(T0 * 1000), to: ms((T0 + 2 * 86_400) * 1000) };

let server: SubgraphServer;
let dataDir: string;
const logged: string[] = [];

function captureLogger(): Logger {
  const l: Logger = {
    debug: (m, f) => void logged.push(JSON.stringify({ m, f })),
    info: (m, f) => void logged.push(JSON.stringify({ m, f })),
    warn: (m, f) => void logged.push(JSON.stringify({ m, f })),
    error: (m, f) => void logged.push(JSON.stringify({ m, f })),
    child: () => l,
  };
  return l;
}

function context(url: string, dir = dataDir): JobContext {
  return { config: loadConfig({ LPDATA_DATA_DIR: dir, LPDATA_SUBGRAPH_URL: url }), window, log: captureLogger(), fetchedAt: FETCHED_AT };
}

async function records(entity: string, partition: string, dir = dataDir): Promise<Record<string, unknown>[]> {
  const raw = gunzipSync(await readFile(join(dir, 'raw', 'subgraph', entity, partition, 'records.ndjson.gz'))).toString('utf8');
  return raw.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const job = (entity: string) => subgraphJobs.find((j) => j.entity === entity)!;

beforeAll(async () => {
  server = await startSubgraph(storm.logs);
  dataDir = await mkdtemp(join(tmpdir(), 'lpdata-subgraph-'));
});
afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('subgraph jobs against the embedded subgraph', () => {
  const head = () => server.indexer.head!.number;

  it('offers one job per entity', () => {
    expect(subgraphJobs.map((j) => j.name)).toEqual(ENTITY_SPECS.map((s) => `subgraph.${s.entity}`));
    expect(subgraphJobs.map((j) => j.entity)).toEqual([
      'transcoders', 'pools', 'rounds', 'protocol', 'days', 'transcoderDays', 'broadcasters', 'broadcasterDays',
      'winningTicketRedeemedEvents', 'rewardEvents', 'transcoderUpdateEvents', 'transcoderActivatedEvents',
      'newRoundEvents', 'serviceURIUpdateEvents', 'bondEvents', 'depositFundedEvents',
    ]);
  });

  it('snapshots every state entity at the head block, one record per entity', async () => {
    const url = `${server.url}?api_key=${KEY}`;
    for (const spec of ENTITY_SPECS.filter((s) => s.kind === 'state')) {
      const result = await job(spec.entity).run(context(url));
      const [manifest] = result.manifests;
      expect(manifest!.partition).toBe(`block=${head()}`);
      expect(manifest!.rows, spec.entity).toBe(server.indexer.store.count(spec.type, head()));
      expect(manifest!.quarantined).toBe(0);
      expect(manifest!.block).toBe(head());
      expect((manifest!.query as { text: string }).text).toContain(`${spec.field}(first: 1000, orderBy: id, orderDirection: asc`);
      expect(manifest!.endpoint).not.toContain(KEY);
      expect(manifest!.fetched_at).toBe(FETCHED_AT.toISOString());
      expect((await records(spec.entity, `block=${head()}`)).length).toBe(manifest!.rows);
      expect((await readWatermark(dataDir, 'subgraph', spec.entity))!.value).toBe(head());
    }
    expect(logged.join('\n')).not.toContain(KEY);
    const [protocol] = await records('protocol', `block=${head()}`);
    expect(protocol).toMatchObject({ id: '0', winningTicketCount: 2_500, currentRound: { id: '10' }, pendingActivation: [] });
    const transcoders = await records('transcoders', `block=${head()}`);
    expect(transcoders.map((t) => t.id)).toEqual([...storm.orchs].sort());
    expect(Object.keys(transcoders[0]!)).toEqual(Object.keys(ENTITY_SPECS[0]!.fields));
  });

  it('snapshots events by UTC day of their timestamp, paging past 1000 per day', async () => {
    const result = await job('winningTicketRedeemedEvents').run(context(server.url));
    expect(result.manifests.map((m) => m.partition)).toEqual(['date=2026-11-16', 'date=2026-11-17']);
    const midnight = T0 + 86_400;
    const perDay = [tickets.filter((l) => l.blockTimestamp < midnight).length, tickets.filter((l) => l.blockTimestamp >= midnight).length];
    expect(perDay[0]).toBeGreaterThan(1000);
    expect(perDay[1]).toBeGreaterThan(1000);
    expect(result.manifests.map((m) => m.rows)).toEqual(perDay);
    expect(result.manifests.map((m) => m.extra.pages)).toEqual([2, 2]);
    expect(result.rows).toBe(2_500);
    const day1 = await records('winningTicketRedeemedEvents', 'date=2026-11-17');
    expect(new Set(day1.map((r) => r.id)).size).toBe(perDay[1]);
    expect(day1.every((r) => (r.timestamp as number) >= midnight)).toBe(true);
    const first = tickets.find((l) => `${l.transactionHash}-${l.logIndex}` === day1[0]!.id)!;
    expect(day1[0]).toMatchObject({ transaction: { id: first.transactionHash, blockNumber: String(first.blockNumber) }, recipient: { id: first.args.recipient } });
    expect(result.manifests[0]!.window).toEqual({ from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' });
    const last = storm.logs[storm.logs.length - 1]!;
    expect((await readWatermark(dataDir, 'subgraph', 'winningTicketRedeemedEvents'))!.value).toBe(new Date(last.blockTimestamp * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('writes the same bytes when a window is pulled again', async () => {
    const again = await mkdtemp(join(tmpdir(), 'lpdata-subgraph-again-'));
    try {
      await job('winningTicketRedeemedEvents').run(context(server.url, again));
      for (const partition of ['date=2026-11-16', 'date=2026-11-17']) {
        const path = (dir: string, file: string) => join(dir, 'raw', 'subgraph', 'winningTicketRedeemedEvents', partition, file);
        expect((await readFile(path(again, 'records.ndjson.gz'))).equals(await readFile(path(dataDir, 'records.ndjson.gz')))).toBe(true);
        expect(await readFile(path(again, '_manifest.json'), 'utf8')).toBe(await readFile(path(dataDir, '_manifest.json'), 'utf8'));
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });

  it('fails clearly without an endpoint, or when the server rejects a query', async () => {
    const ctx = context(server.url);
    ctx.config.endpoints = {};
    await expect(job('rounds').run(ctx)).rejects.toThrow(/LPDATA_SUBGRAPH_URL/);
    const client = new SubgraphClient(`${server.url}?api_key=${KEY}`, captureLogger(), { lagRetryDelaysMs: [1, 1] });
    const bad = client.query('transcoders', '{ transcoders { id stake } }');
    await expect(bad).rejects.toThrow(/rejected query transcoders: Cannot query field "stake" on type "Transcoder"/);
    await expect(bad).rejects.not.toThrow(KEY);
    await expect(client.query('ahead', '{ transcoders(block: { number: 99999999 }) { id } }')).rejects.toThrow(/has only indexed up to block number[\s\S]*fix: the indexer serving this endpoint is behind/);
  });
});

describe('quarantine', () => {
  let fake: Server;
  let url: string;
  beforeAll(async () => {
    // A graph-node stand-in that answers with malformed entities.
    fake = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { query } = JSON.parse(body) as { query: string };
        if (query.includes('strictServer')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Unknown argument "strictServer"' }] }));
          return;
        }
        const data = query.includes('_meta')
          ? { _meta: { block: { number: 7, hash: '0xabc', timestamp: T0 }, deployment: 'QmFake', hasIndexingErrors: false } }
          : {
              transcoders: [
                { id: '0x01', totalStake: '12.5', rewardCut: '100000' },
                { totalStake: '1' },
                { id: '0x02', totalStake: 'lots', rewardCut: '1' },
                { id: '0x03', totalStake: '1', rewardCut: '1.5' },
              ],
            };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/subgraphs/name/fake`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));

  it('keeps entities missing an id or with an unparsable amount out of the records, with a reason', async () => {
    const result = await job('transcoders').run(context(url));
    const [m] = result.manifests;
    expect(m!.partition).toBe('block=7');
    expect(m!.rows).toBe(1);
    expect(m!.quarantined).toBe(3);
    expect(m!.quarantine_reasons).toEqual({ 'missing id': 1, 'unparsable BigDecimal totalStake': 1, 'unparsable BigInt rewardCut': 1 });
    const lines = (await readFile(join(dataDir, 'raw', 'subgraph', 'transcoders', 'block=7', 'quarantine.ndjson'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { reason: string }).reason)).toEqual(['missing id', 'unparsable BigDecimal totalStake', 'unparsable BigInt rewardCut']);
  });

  it('reads GraphQL errors from a 4xx answer instead of reporting a bare HTTP status', async () => {
    const client = new SubgraphClient(url, captureLogger());
    await expect(client.query('strict', '{ transcoders(strictServer: 1) { id } }')).rejects.toThrow(/rejected query strict: Unknown argument "strictServer"/);
  });
});
