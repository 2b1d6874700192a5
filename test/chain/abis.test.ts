// The copied ABIs, addresses and deployment blocks equal the real records they came from.
import { readFileSync } from 'node:fs';
import { toEventSelector, type AbiEvent } from 'viem';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CONTRACT_NAMES, CONTRACTS, type ContractName } from '../../jobs/chain/abis.ts';
import type { ProtocolContract } from '../../network/activity.ts';

const REAL = new URL('../../../shared/real/', import.meta.url);
const DEPLOYMENTS = new URL('livepeer-protocol/deployments/arbitrumMainnet/', REAL);
const readJson = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as { address: string; abi: { type: string; name?: string }[]; receipt: { blockNumber: number } };

// The proxy addresses the task and docs/sources.md §13.1 give for log reading.
const EXPECTED_PROXIES: Record<ContractName, string> = {
  BondingManager: '0x35Bcf3c30594191d53231E4FF333E8A770453e40',
  TicketBroker: '0xa8bB618B1520E284046F3dFc448851A1Ff26e41B',
  RoundsManager: '0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f',
  Minter: '0xc20DE37170B45774e6CD3d2304017fc962f27252',
  ServiceRegistry: '0xC92d3A360b8f9e083bA64DE15d95Cf8180897431',
};

describe('jobs/chain/abis.ts', () => {
  it('names the same contracts as the simulator', () => {
    expectTypeOf<ContractName>().toEqualTypeOf<ProtocolContract>();
    expect([...CONTRACT_NAMES].sort()).toEqual(Object.keys(EXPECTED_PROXIES).sort());
  });

  for (const name of CONTRACT_NAMES) {
    const spec = CONTRACTS[name];
    it(`${name}: every event fragment equals ${spec.abiSource}`, () => {
      const original = readJson(new URL(spec.abiSource, DEPLOYMENTS)).abi.filter((x) => x.type === 'event');
      const byName = (a: { name?: string }, b: { name?: string }) => a.name!.localeCompare(b.name!);
      expect([...spec.events].sort(byName)).toEqual([...original].sort(byName));
    });

    it(`${name}: proxy address and deployment block equal the deployment record and the subgraph's networks.yaml`, () => {
      const recordFile = name === 'Minter' ? 'Minter.json' : `${name}Proxy.json`;
      const record = readJson(new URL(recordFile, DEPLOYMENTS));
      expect(spec.address).toBe(record.address);
      expect(spec.address).toBe(EXPECTED_PROXIES[name]);
      expect(spec.deployBlock).toBe(record.receipt.blockNumber);
      const networks = readFileSync(new URL('livepeer-subgraph/networks.yaml', REAL), 'utf8');
      const arbitrum = networks.slice(networks.indexOf('arbitrum-one:'));
      const key = name[0]!.toLowerCase() + name.slice(1);
      const m = new RegExp(`\\n\\s+${key}:\\s*\\n\\s+address: "([0-9a-fA-F]{40})"\\s*\\n\\s+startBlock: (\\d+)`).exec(arbitrum);
      expect(m, `${key} in networks.yaml arbitrum-one`).not.toBeNull();
      expect(`0x${m![1]}`.toLowerCase()).toBe(spec.address.toLowerCase());
      expect(Number(m![2])).toBe(spec.deployBlock);
    });
  }

  it('topic0 of every event the source reference lists (docs/sources.md §13.2) matches the ABI', () => {
    const doc = readFileSync(new URL('../../docs/sources.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (BondingManager|TicketBroker|RoundsManager|Minter|ServiceRegistry) \| ([A-Za-z]+)\(([^)]*)\) \| (0x[0-9a-f]{64}) \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(24);
    for (const [, contract, event, params, topic0] of rows) {
      // "address indexed transcoder, uint256 amount" -> "address,uint256"
      const types = params!.split(',').map((p) => p.trim().split(' ')[0]).join(',');
      const abiEvent = (CONTRACTS[contract as ContractName].events as readonly AbiEvent[]).find((e) => e.name === event);
      expect(abiEvent, `${contract}.${event}`).toBeDefined();
      expect(`${event}(${abiEvent!.inputs.map((i) => i.type).join(',')})`).toBe(`${event}(${types})`);
      expect(toEventSelector(abiEvent!)).toBe(topic0);
    }
  });
});
