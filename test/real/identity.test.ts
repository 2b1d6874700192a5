// The AI job tester's production orchestrator mapping (27 addresses -> 58 service URIs) and its
// orchestrator list through identity resolution: each address registers its URIs, in the file's
// order, on the ServiceRegistry of an anvil chain at the real proxy address; the chain connector
// pulls the logs and core_orchestrator_uri_map resolves URIs to addresses. The registry keeps one URI
// per address, so only each address's last URI resolves from the chain: an operator's other nodes
// are known to gateways only through capability snapshots (§14.1), which this test does not feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainJobs } from '../../jobs/chain/job.ts';
import type { JobResult } from '../../jobs/job.ts';
import { buildModels } from '../../jobs/pipeline.ts';
import { logger } from '../../lib/log.ts';
import { ms, parseWindow } from '../../lib/time.ts';
import type { Anvil } from '../../network/chain/anvil.ts';
import type { PlannedEvent } from '../../network/protocol.ts';
import type { Address } from '../../network/world.ts';
import { chainConfig, lineOf, readBuilt, readRaw, realJson, realText, replayOnAnvil, TempDirs } from './harness.ts';

const MAPPING = 'ai-job-tester/prod-live-video-to-video-orch-mapping.json';
const WINDOW = parseWindow('2025-01-01', '2025-01-02');

const mapping = realJson<{ liveVideo: { orchMapping: Record<string, string[]> } }>(MAPPING).liveVideo.orchMapping;
const orchlist = realText('ai-job-tester/orchlist.txt').trim().split(',');

function registrations(): PlannedEvent[] {
  let second = WINDOW.from / 1000;
  return Object.entries(mapping).flatMap(([addr, uris]) =>
    uris.map((serviceURI): PlannedEvent => ({ atMs: ms(++second * 1000), contract: 'ServiceRegistry', eventName: 'ServiceURIUpdate', args: { addr, serviceURI }, from: addr as Address })),
  );
}

const dirs = new TempDirs();
let anvil: Anvil;
let dataDir: string;
let result: JobResult;

beforeAll(async () => {
  anvil = await replayOnAnvil(WINDOW.from, registrations());
  dataDir = await dirs.make('identity');
  const config = chainConfig(dataDir, anvil.rpcUrl);
  const ctx = { config, window: WINDOW, log: logger({ test: 'real-identity' }), fetchedAt: new Date('2025-01-02T00:00:00Z') };
  result = await chainJobs.find((j) => j.name === 'chain.serviceregistry')!.run(ctx);
  await buildModels(config, WINDOW, ctx.log, ['core_orchestrator_uri_map']);
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
  await dirs.removeAll();
});

describe('the job tester\'s orchestrator mapping through identity resolution', () => {
  it('reads the mapping and the list as the files hold them', () => {
    // Counted by hand: 27 addresses, 58 URIs, none shared; the list has 59, one of them unmapped.
    expect(Object.keys(mapping)).toHaveLength(27);
    expect(Object.values(mapping).flat()).toHaveLength(58);
    expect(new Set(Object.values(mapping).flat()).size).toBe(58);
    expect(orchlist).toHaveLength(59);
    expect(orchlist.filter((u) => !Object.values(mapping).flat().includes(u))).toEqual(['https://ont-0.lvpr.io:20208']);
    expect(lineOf(MAPPING, '"0x08f76e106a2dd4f6385efc8ea6c69a2816082461"')).toBe(33);
  });

  it('stores and types every registration with nothing quarantined', async () => {
    expect([result.quarantined, result.errors]).toEqual([0, 0]);
    const raw = await readRaw(dataDir, 'chain', 'serviceregistry');
    expect(raw.records).toHaveLength(58);
    const rows = await readBuilt(dataDir, 'staging', 'stg_chain_serviceregistry');
    expect(rows.map((r) => `${r.orchestrator_address} ${r.service_uri}`)).toEqual(Object.entries(mapping).flatMap(([a, uris]) => uris.map((u) => `${a} ${u}`)));
  });

  it('resolves each address\'s current URI to it, and no other', async () => {
    const rows = await readBuilt(dataDir, 'core', 'core_orchestrator_uri_map');
    const current = Object.entries(mapping).map(([a, uris]) => [uris.at(-1)!, a]).sort();
    expect(rows.map((r) => [r.orch_url_norm, r.orchestrator_address])).toEqual(current);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['service_registry']));
    // 0x08f7... (lines 33-38) runs ai..ai4.brzeczyszczykiewicz.work: ai4 was registered last.
    expect(rows.find((r) => r.orchestrator_address === '0x08f76e106a2dd4f6385efc8ea6c69a2816082461')?.orch_url_norm).toBe('https://ai4.brzeczyszczykiewicz.work:8935');
    // Of the 59 URIs gateways are configured with, 27 resolve from the registry alone.
    expect(orchlist.filter((u) => rows.some((r) => r.orch_url_norm === u))).toHaveLength(27);
  });
});
