import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSubgraph, type SubgraphServer } from '../../network/subgraph/server.ts';
import { ETH, T0, ticketStorm } from './fixtures.ts';

const N = 2_500;
const storm = ticketStorm(N);
const tickets = storm.logs.filter((l) => l.eventName === 'WinningTicketRedeemed');
const midBlock = tickets[1_234]!.blockNumber;

let server: SubgraphServer;
beforeAll(async () => {
  server = await startSubgraph(storm.logs);
});
afterAll(() => server.stop());

interface Response<T> {
  data?: T;
  errors?: { message: string }[];
}

async function post<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<Response<T> & { status: number }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, ...((await res.json()) as Response<T>) };
}

async function data<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await post<T>(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

describe('the embedded subgraph over HTTP', () => {
  it('listens on 127.0.0.1 at a graph-node style path', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subgraphs\/id\/Qm[1-9A-HJ-NP-Za-km-z]{44}$/);
  });

  it('pages more than 1000 entities with id_gt, returning each exactly once', async () => {
    const seen: string[] = [];
    let last = '';
    for (;;) {
      const page = await data<{ winningTicketRedeemedEvents: { id: string }[] }>(
        'query($last: ID!) { winningTicketRedeemedEvents(first: 1000, orderBy: id, orderDirection: asc, where: { id_gt: $last }) { id } }',
        { last },
      );
      seen.push(...page.winningTicketRedeemedEvents.map((e) => e.id));
      if (page.winningTicketRedeemedEvents.length < 1000) break;
      last = seen[seen.length - 1]!;
    }
    expect(seen).toHaveLength(N);
    expect(new Set(seen).size).toBe(N);
    expect(new Set(seen)).toEqual(new Set(tickets.map((l) => `${l.transactionHash}-${l.logIndex}`)));
    expect([...seen].sort()).toEqual(seen);
  });

  it('pages with skip and orders by other fields with id as tie-break', async () => {
    const pages = await Promise.all([0, 1000, 2000].map((skip) => data<{ winningTicketRedeemedEvents: { id: string }[] }>(`{ winningTicketRedeemedEvents(first: 1000, skip: ${skip}, orderBy: faceValue, orderDirection: desc) { id } }`)));
    const ids = pages.flatMap((p) => p.winningTicketRedeemedEvents.map((e) => e.id));
    expect(new Set(ids).size).toBe(N);
    const top = await data<{ winningTicketRedeemedEvents: { faceValue: string }[] }>('{ winningTicketRedeemedEvents(first: 2, orderBy: faceValue, orderDirection: desc) { faceValue } }');
    expect(top.winningTicketRedeemedEvents.map((e) => e.faceValue)).toEqual(['2.5', '2.499']);
  });

  it('pins a query to an older block and sees the state as of that block', async () => {
    const before = tickets.filter((l) => l.blockNumber <= midBlock).length;
    const pinned = await data<{ protocol: { winningTicketCount: number }; _meta: { block: { number: number; hash: string | null } } }>(
      `{ protocol(id: "0", block: { number: ${midBlock} }) { winningTicketCount } _meta(block: { number: ${midBlock} }) { block { number hash } } }`,
    );
    expect(pinned.protocol.winningTicketCount).toBe(before);
    expect(before).toBeLessThan(N);
    expect(pinned._meta.block).toEqual({ number: midBlock, hash: null });
    const latest = await data<{ protocol: { winningTicketCount: number } }>('{ protocol(id: "0") { winningTicketCount } }');
    expect(latest.protocol.winningTicketCount).toBe(N);
    const byHash = await data<{ winningTicketRedeemedEvents: { id: string }[] }>(
      `{ winningTicketRedeemedEvents(first: 1000, block: { hash: "${tickets[0]!.blockHash}" }) { id } }`,
    );
    expect(byHash.winningTicketRedeemedEvents).toHaveLength(10);
    const volumes = await data<{ transcoder: { totalVolumeETH: string } }>(`{ transcoder(id: "${storm.orchs[0]}", block: { number: ${storm.roundBlock} }) { totalVolumeETH } }`);
    expect(volumes.transcoder.totalVolumeETH).toBe('0');
  });

  it('reports the head in _meta', async () => {
    const last = storm.logs[storm.logs.length - 1]!;
    const meta = await data<{ _meta: { block: { number: number; hash: string; timestamp: number }; deployment: string; hasIndexingErrors: boolean } }>(
      '{ _meta { block { number hash timestamp } deployment hasIndexingErrors } }',
    );
    expect(meta._meta.block).toEqual({ number: last.blockNumber, hash: last.blockHash, timestamp: last.blockTimestamp });
    expect(server.url.endsWith(meta._meta.deployment)).toBe(true);
    expect(meta._meta.hasIndexingErrors).toBe(false);
  });

  it('filters by scalar operators, references and child filters', async () => {
    const midnight = T0 + 86_400;
    const q = async (where: string) =>
      (await data<{ winningTicketRedeemedEvents: { id: string }[] }>(`{ winningTicketRedeemedEvents(first: 1000, where: ${where}) { id } }`)).winningTicketRedeemedEvents.length;
    expect(await q(`{ timestamp_lt: ${midnight}, faceValue_lte: "0.5" }`)).toBe(tickets.filter((l) => l.blockTimestamp < midnight && (l.args.faceValue as bigint) <= ETH / 2n).length);
    expect(await q(`{ recipient: "${storm.orchs[1]}", faceValue_gt: "2" }`)).toBe(tickets.filter((l) => l.args.recipient === storm.orchs[1] && (l.args.faceValue as bigint) > 2n * ETH).length);
    expect(await q(`{ sender_in: ["${storm.gateways[0]}", "${storm.gateways[1]}"], faceValue_gt: "2.2" }`)).toBe(
      tickets.filter((l) => [storm.gateways[0], storm.gateways[1]].includes(l.args.sender as `0x${string}`) && (l.args.faceValue as bigint) > 2_200n * 10n ** 15n).length,
    );
    expect(await q('{ or: [{ faceValue: "0.001" }, { faceValue: "0.002" }] }')).toBe(2);
    expect(await q(`{ recipient_: { serviceURI_contains_nocase: "${storm.orchs[2]!.slice(2, 8).toUpperCase()}" }, faceValue_gt: "2.4" }`)).toBe(
      tickets.filter((l) => l.args.recipient === storm.orchs[2] && (l.args.faceValue as bigint) > 2_400n * 10n ** 15n).length,
    );
  });

  it('resolves references, derived fields, nested collections and the Event interface', async () => {
    const first = tickets[0]!;
    const res = await data<{
      transaction: { events: { __typename: string; id: string }[] };
      transcoder: { pools: { id: string }[]; transcoderDays: { date: number }[] };
      events: { __typename: string }[];
    }>(`{
      transaction(id: "${first.transactionHash}") { events { __typename id } }
      transcoder(id: "${storm.orchs[0]}") { pools { id } transcoderDays(orderBy: date, orderDirection: asc) { date } }
      events(first: 3, orderBy: timestamp, orderDirection: desc) { __typename }
    }`);
    expect(res.transaction.events).toEqual([{ __typename: 'WinningTicketRedeemedEvent', id: `${first.transactionHash}-${first.logIndex}` }]);
    expect(res.transcoder.pools).toEqual([{ id: `0000000010-${storm.orchs[0]}` }]);
    expect(res.transcoder.transcoderDays.map((d) => d.date)).toEqual([T0, T0 + 86_400]);
    expect(res.events.map((e) => e.__typename)).toEqual(['WinningTicketRedeemedEvent', 'WinningTicketRedeemedEvent', 'WinningTicketRedeemedEvent']);
  });
});

describe('errors look like graph-node’s', () => {
  const message = async (query: string) => {
    const res = await post(query);
    expect(res.status).toBe(200);
    return res.errors?.map((e) => e.message);
  };

  it('caps first at 1000 and skip at 5000', async () => {
    expect(await message('{ transcoders(first: 1001) { id } }')).toEqual(['The `first` argument must be between 0 and 1000, but is 1001']);
    expect(await message('{ transcoders(skip: 5001) { id } }')).toEqual(['The `skip` argument must be between 0 and 5000, but is 5001']);
    expect(await message(`{ transcoder(id: "${storm.orchs[0]}") { pools(first: 2000) { id } } }`)).toEqual(['The `first` argument must be between 0 and 1000, but is 2000']);
  });

  it('refuses blocks not yet indexed', async () => {
    const head = storm.logs[storm.logs.length - 1]!.blockNumber;
    const deployment = server.url.split('/').pop();
    expect(await message(`{ transcoders(block: { number: ${head + 5} }) { id } }`)).toEqual([
      `Failed to decode \`block.number\` value: \`subgraph ${deployment} has only indexed up to block number ${head} and data for block number ${head + 5} is therefore not yet available\``,
    ]);
    expect(await message('{ transcoders(block: { hash: "0x1234" }) { id } }')).toEqual(['Failed to decode `block.hash` value: `no block with that hash found`']);
  });

  it('names unknown fields and bad values', async () => {
    expect(await message('{ transcoders { id stake } }')).toEqual([expect.stringContaining('Cannot query field "stake" on type "Transcoder".')]);
    expect(await message('{ transcoders(where: { rewardCut_gt: "ten" }) { id } }')).toEqual([expect.stringContaining('Failed to decode `BigInt` value: `ten`')]);
    expect(await message('{ transcoders(where: { notAField: 1 }) { id } }')).toEqual([expect.stringContaining('"notAField" is not defined by type "Transcoder_filter"')]);
  });
});
