// network_capabilities snapshots shaped as go-livepeer writes them go through the production
// gateway-events connector, `lpdata build` and release without a quarantined record or a failed
// test, and every orchestrator and every advertised price reaches the published data.
//
// The entries follow the producer, not our models: common.OrchNetworkCapabilities marshalled by
// encoding/json (discovery/db_discovery.go orchInfoToOrchNetworkCapabilities), so omitempty drops
// zero, false and empty fields and nil slices are null; addresses are ethcommon.Address.Hex() (EIP-55
// mixed case); a model's `capacity` is its idle part and `capacityInUse` its busy part, the latter
// only for live-video-to-video (server/rpc.go setLiveAICapacity); BYOC capabilities appear only as
// prices on capability 37 with the registered name as constraint (core/orchestrator.go); an external
// runner's capacity is the operator's number (cmd/livepeer/starter/starter.go); the version is
// print_version.sh's VERSION-<git describe --dirty>.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getAddress, keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { buildModels, ingest, release } from '../../jobs/pipeline.ts';
import type { JobResult } from '../../jobs/job.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { parseWindow } from '../../lib/time.ts';
import type { Published } from '../../datasets/publish.ts';

const log = logger({ test: 'gateway-events-capabilities' });
const window = parseWindow('2026-11-16T00:00:00Z', '2026-11-17T00:00:00Z');
const T1 = Date.parse('2026-11-16T10:05:00Z');
const T2 = Date.parse('2026-11-16T10:30:00Z');

/** An EIP-55 address, as go-livepeer's Address.Hex() writes it. */
const addr = (label: string) => getAddress(`0x${keccak256(toHex(label)).slice(-40)}`);
/** Transcoding capabilities 0-26 without the deprecated 13, as core.DefaultCapabilities. */
const TRANSCODING = [...Array(27).keys()].filter((c) => c !== 13);
const bitstring = (caps: number[]) => [Number(caps.reduce((w, c) => w | (1n << BigInt(c)), 0n))];
const capacities = (caps: number[], transcoders: number) => Object.fromEntries(caps.map((c) => [String(c), c < 27 ? transcoders : 1]));
const gpu = (id: string) => ({ '0': { id, name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, memory_free: 10_000_000_000, memory_total: 25_757_220_864 } });

interface Node {
  label: string;
  entry: (t: number) => Record<string, unknown>;
}

const NODES: Node[] = [
  {
    // Live video, one container: idle at the first poll, fully busy at the second, when go-livepeer
    // sends capacityInUse alone (capacity 0 is omitted).
    label: 'busy',
    entry: (t) => ({
      address: addr('busy'),
      local_address: addr('busy/node'),
      orch_uri: 'https://Busy.example:8935',
      capabilities: {
        bitstring: bitstring([...TRANSCODING, 35]),
        capacities: capacities([...TRANSCODING, 35], 1),
        version: '0.9.1',
        // A cold model with nothing idle or in use has every field omitted: {}.
        constraints: { minVersion: '0.8.8', PerCapability: { '35': { models: { streamdiffusion: t === T1 ? { warm: true, capacity: 1, runnerVersion: '0.14.0' } : { warm: true, runnerVersion: '0.14.0', capacityInUse: 1 }, 'streamdiffusion-sdxl-faceid': {} } } } },
      },
      price_info: { pricePerUnit: 1200, pixelsPerUnit: 1 },
      capabilities_prices: [{ pricePerUnit: 2350, pixelsPerUnit: 1, capability: 35, constraint: 'streamdiffusion' }],
      hardware: [{ pipeline: 'live-video-to-video', model_id: 'streamdiffusion', gpu_info: gpu('GPU-busy-0') }],
    }),
  },
  {
    // Live video, 7 containers, 3 in use at both polls: utilisation 3/7.
    label: 'three-of-seven',
    entry: () => ({
      address: addr('three-of-seven'),
      local_address: addr('three-of-seven/node'),
      orch_uri: 'https://three.example:8936',
      capabilities: {
        bitstring: bitstring([...TRANSCODING, 35]),
        capacities: capacities([...TRANSCODING, 35], 2),
        version: '0.9.1',
        constraints: { PerCapability: { '35': { models: { streamdiffusion: { warm: true, capacity: 4, runnerVersion: '0.14.0', capacityInUse: 3 } } } } },
      },
      price_info: { pricePerUnit: 900, pixelsPerUnit: 1 },
      capabilities_prices: [{ pricePerUnit: 1900, pixelsPerUnit: 1, capability: 35, constraint: 'streamdiffusion' }],
      hardware: [{ pipeline: 'live-video-to-video', model_id: 'streamdiffusion', gpu_info: { ...gpu('GPU-three-0'), '1': { id: 'GPU-three-1', name: 'NVIDIA GeForce RTX 4090', memory_total: 25_757_220_864 } } }],
    }),
  },
  {
    // Transcoding only, on an untagged modified build: no PerCapability (an empty map is omitted), no
    // minVersion, nil hardware and AI prices written as null; 4 transcoders (the node + 3 remote).
    label: 'transcoder',
    entry: () => ({
      address: addr('transcoder'),
      local_address: addr('transcoder/node'),
      orch_uri: 'https://transcoder.example:8935',
      capabilities: { bitstring: bitstring(TRANSCODING), capacities: capacities(TRANSCODING, 4), version: '0.8.8-9f3c2a1b-dirty', constraints: {} },
      price_info: { pricePerUnit: 650, pixelsPerUnit: 1 },
      capabilities_prices: null,
      hardware: null,
    }),
  },
  {
    // Batch text-to-image on one GPU, two BYOC capabilities (priced, never in PerCapability) and a
    // price for a model it does not offer.
    label: 'byoc',
    entry: () => ({
      address: addr('byoc'),
      local_address: addr('byoc/node'),
      orch_uri: 'https://byoc.example:8935',
      capabilities: {
        bitstring: bitstring([...TRANSCODING, 27]),
        capacities: capacities([...TRANSCODING, 27], 1),
        version: '0.9.1',
        constraints: { minVersion: '0.8.8', PerCapability: { '27': { models: { 'SG161222/RealVisXL_V4.0_Lightning': { warm: true, capacity: 1, runnerVersion: '0.14.2' } } } } },
      },
      price_info: { pricePerUnit: 1100, pixelsPerUnit: 1 },
      capabilities_prices: [
        { pricePerUnit: 4768371, pixelsPerUnit: 1, capability: 27, constraint: 'SG161222/RealVisXL_V4.0_Lightning' },
        { pricePerUnit: 4768371, pixelsPerUnit: 1, capability: 27, constraint: 'black-forest-labs/FLUX.1-dev' },
        { pricePerUnit: 25_000_000, pixelsPerUnit: 1, capability: 37, constraint: 'openai-chat-completions' },
        { pricePerUnit: 90_000_000, pixelsPerUnit: 3, capability: 37, constraint: 'openai-image-generation' },
      ],
      // BYOC workers report their capability name as the hardware pipeline.
      hardware: [
        { pipeline: 'text-to-image', model_id: 'SG161222/RealVisXL_V4.0_Lightning', gpu_info: gpu('GPU-byoc-0') },
        { pipeline: 'openai-chat-completions', model_id: 'openai-chat-completions', gpu_info: gpu('GPU-byoc-1') },
      ],
    }),
  },
  {
    // LLM through an external runner: the operator's capacity (67542), a hardware entry whose runner
    // answered no /hardware/info (GpuInfo nil, omitted), and at the second poll no ticket params, so
    // address "" (the key has no omitempty): it is attributed through its service URI, which the
    // first poll pairs with an address. Its price_info has pricePerUnit 0, which omitempty drops.
    label: 'llm',
    entry: (t) => ({
      address: t === T1 ? addr('llm') : '',
      local_address: addr('llm/node'),
      orch_uri: 'https://llm.example:8935',
      capabilities: {
        bitstring: bitstring([...TRANSCODING, 33]),
        capacities: capacities([...TRANSCODING, 33], 1),
        version: '0.9.1',
        constraints: { PerCapability: { '33': { models: { 'meta-llama/Meta-Llama-3.1-8B-Instruct': { warm: true, capacity: 67542, runnerVersion: '0.14.2' } } } } },
      },
      price_info: { pixelsPerUnit: 1 },
      capabilities_prices: [{ pricePerUnit: 180, pixelsPerUnit: 1, capability: 33, constraint: 'meta-llama/Meta-Llama-3.1-8B-Instruct' }],
      hardware: [{ pipeline: 'llm', model_id: 'meta-llama/Meta-Llama-3.1-8B-Instruct' }],
    }),
  },
];

let root: string;
let config: Config;
let ingested: JobResult[];
let published: Published[];

async function writeSnapshots(): Promise<void> {
  const lines = [T1, T2].map((t, i) => JSON.stringify({ id: `caps-${i}`, type: 'network_capabilities', timestamp: String(t), gateway: '', data: NODES.map((n) => n.entry(t)) }));
  // A poll that reached nobody: the nil slice marshals as null (§2.9).
  lines.push(JSON.stringify({ id: 'caps-empty', type: 'network_capabilities', timestamp: String(T1 + 1), gateway: '', data: null }));
  const dir = join(root, 'archives', 'topics/network_events/year=2026/month=11/day=16/hour=10');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'network_events+0+0000000000.json.gz'), gzipSync(lines.join('\n') + '\n'));
}

/** Rows of a released dataset, read from the store through its manifest. */
async function releasedRows<T>(dataset: string, sql: string): Promise<T[]> {
  const p = published.find((x) => x.dataset_id === dataset)!;
  const dir = join(config.store, p.manifestKey.replace(/\/manifest\.json$/, ''));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
  const files = manifest.files.map((f) => join(dir, f.path));
  const s = await openSession({ allowedPaths: files });
  try {
    return await queryRows<T>(s.conn, sql.replace('$T', `read_parquet([${files.map(sqlString).join(', ')}])`));
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-capabilities-'));
  await writeSnapshots();
  config = loadConfig({ LPDATA_DATA_DIR: join(root, 'data'), LPDATA_GATEWAY_EVENTS: join(root, 'archives'), LPDATA_STORE: join(root, 'store') });
  ingested = await ingest([gatewayEventsJob], config, window, log, new Date('2026-11-17T03:00:00Z'));
  const build = await buildModels(config, window, log);
  expect(build.failed).toEqual([]);
  published = (await release(config, window, log)).published;
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('network_capabilities snapshots shaped like go-livepeer\'s', () => {
  it('are ingested without a quarantined record, built and released', () => {
    const r = ingested.find((x) => x.job === 'gateway_events.network_events') ?? ingested[0]!;
    expect(r.quarantined).toBe(0);
    expect(r.rows).toBe(3);
    expect(published.map((p) => p.dataset_id)).toEqual(expect.arrayContaining(['orchestrator_supply_daily', 'network_supply_offers_daily', 'network_supply_hourly', 'orchestrator_prices_daily']));
  });

  it('publish every orchestrator of the snapshots, transcoding-only ones included', async () => {
    const got = await releasedRows<{ a: string; v: string; transcoding: boolean; transcoders: bigint; price: number | null }>(
      'orchestrator_supply_daily',
      'SELECT orchestrator_address AS a, node_version AS v, offers_transcoding AS transcoding, transcoding_capacity AS transcoders, transcoding_price_wei_per_pixel AS price FROM $T ORDER BY a',
    );
    expect(got.map((r) => r.a)).toEqual(NODES.map((n) => addr(n.label).toLowerCase()).sort());
    const transcoder = got.find((r) => r.a === addr('transcoder').toLowerCase())!;
    expect({ ...transcoder, transcoders: Number(transcoder.transcoders) }).toEqual({ a: addr('transcoder').toLowerCase(), v: '0.8.8-9f3c2a1b-dirty', transcoding: true, transcoders: 4, price: 650 });
    // price_info without pricePerUnit is a price of 0 (omitempty), not a missing price.
    expect(got.find((r) => r.a === addr('llm').toLowerCase())!.price).toBe(0);
  });

  it('publish every advertised price, BYOC and unoffered models included', async () => {
    const want = new Set<string>();
    for (const n of NODES) {
      const e = n.entry(T2);
      const uri = String(e.orch_uri).toLowerCase();
      if (e.price_info) want.add(`${uri}|transcoding||`);
      for (const p of (e.capabilities_prices as { capability: number; constraint: string }[] | null) ?? []) want.add(`${uri}|capability|${p.capability}|${p.constraint}`);
    }
    const got = await releasedRows<{ k: string; pipeline: string; price: number | null; n: bigint }>(
      'orchestrator_prices_daily',
      "SELECT orch_url_norm || '|' || price_kind || '|' || coalesce(cast(capability_id AS VARCHAR), '') || '|' || model AS k, pipeline, price_wei_per_unit AS price, price_snapshots AS n FROM $T",
    );
    expect(got.map((r) => r.k).sort()).toEqual([...want].sort());
    expect(got.every((r) => Number(r.n) === 2)).toBe(true);
    const byoc = got.filter((r) => r.k.includes('|capability|37|')).map((r) => [r.k.split('|').pop(), r.price]);
    expect(byoc.sort()).toEqual([
      ['openai-chat-completions', 25_000_000],
      ['openai-image-generation', 30_000_000],
    ]);
  });

  it('count total slots as idle + in use, utilisation as in use / (idle + in use), and keep declared capacity out of the slots', async () => {
    const got = await releasedRows<{ a: string; model: string; idle: bigint; used: bigint; total: bigint; declared: bigint; util: number | null }>(
      'network_supply_offers_daily',
      'SELECT orchestrator_address AS a, model, idle_slots AS idle, in_use_slots AS used, total_slots AS total, declared_capacity AS declared, slot_utilisation AS util FROM $T',
    );
    const row = (label: string, model?: string) => {
      const rows = got.filter((x) => x.a === addr(label).toLowerCase() && (model === undefined || x.model === model));
      expect(rows, label).toHaveLength(1);
      const r = rows[0]!;
      return { idle: Number(r.idle), used: Number(r.used), total: Number(r.total), declared: Number(r.declared), util: r.util };
    };
    expect(row('three-of-seven')).toEqual({ idle: 4, used: 3, total: 7, declared: 0, util: 3 / 7 });
    // Last poll fully busy (capacity omitted): 0 idle + 1 in use; over both polls 1 of 2 slot samples.
    expect(row('busy', 'streamdiffusion')).toEqual({ idle: 0, used: 1, total: 1, declared: 0, util: 0.5 });
    expect(row('busy', 'streamdiffusion-sdxl-faceid')).toEqual({ idle: 0, used: 0, total: 0, declared: 0, util: null });
    expect(row('byoc')).toEqual({ idle: 1, used: 0, total: 1, declared: 0, util: 0 });
    expect(row('llm')).toEqual({ idle: 0, used: 0, total: 0, declared: 67542, util: null });
    const hourly = await releasedRows<{ pipeline: string; model: string; total: bigint; declared: bigint }>(
      'network_supply_hourly',
      'SELECT pipeline, model, total_slots AS total, declared_capacity AS declared FROM $T ORDER BY pipeline, model',
    );
    expect(hourly.map((r) => [r.pipeline, r.model, Number(r.total), Number(r.declared)])).toEqual([
      ['live-video-to-video', 'streamdiffusion', 8, 0],
      ['live-video-to-video', 'streamdiffusion-sdxl-faceid', 0, 0],
      ['llm', 'meta-llama/Meta-Llama-3.1-8B-Instruct', 0, 67542],
      ['text-to-image', 'SG161222/RealVisXL_V4.0_Lightning', 1, 0],
    ]);
  });
});
