// Supply metrics recover the embedded network's world: which orchestrators offer each workflow, how
// many GPU slots (idle + in use) and how much declared capacity (external runners), which are warm,
// which GPUs and at what price, node versions, the slots in use at a poll (from the sessions running
// then), transcoding-only orchestrators and every advertised price (transcoding, AI, BYOC), all
// exactly; discovery candidates all attribute to an on-chain address and each orchestrator gets its
// region from the region rules. Daily offer sums reconcile with the hourly network rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { regionsJob } from '../../jobs/reference/regions.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { HOUR_MS } from '../../lib/time.ts';
import type { Activity } from '../../network/activity.ts';
import { DEFAULT_FAULTS, writeArchive } from '../../network/archive.ts';
import { capabilityEntry } from '../../network/capabilities.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld, type Orchestrator, type OrchWorkflow, type World } from '../../network/world.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'metrics-supply' });
const DATASETS = ['network_supply_hourly', 'network_supply_gpus_hourly', 'network_supply_offers_daily', 'orchestrator_supply_daily', 'orchestrator_prices_daily'];

let dir: string;
let world: World;
let activity: Activity;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-supply-'));
  world = createWorld({ seed: 'metrics-supply', scale: 0.5 });
  activity = simulate(world);
  // Broken lines are off so that every poll reaches the models (quarantine is tested elsewhere).
  await writeArchive(join(dir, 'archives'), activity, world.options.seed, { ...DEFAULT_FAULTS, brokenPer10k: 0 });
  const config = { ...loadConfig({ LPDATA_DATA_DIR: join(dir, 'data') }), endpoints: { gatewayEvents: join(dir, 'archives') } };
  dataDir = config.dataDir;
  await ingest([regionsJob, gatewayEventsJob], config, world.window, log, new Date('2026-11-17T03:00:00Z'));
  await buildModels(config, world.window, log, DATASETS);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rows<T>(dataset: string, sql: string): Promise<T[]> {
  const path = builtFile(dataDir, 'published', dataset);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<T>(s.conn, sql.replace('DATASET', `read_parquet(${sqlString(path)})`));
  } finally {
    s.close();
  }
}

const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
const hourKey = (t: number) => new Date(Math.floor(t / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);

/** Whether the node reports hardware and AI prices: some old nodes report neither (§15.2). */
const reportsHardware = (o: Orchestrator) => capabilityEntry(o, new Map()).hardware !== null;
/** GPU slots of an offer: an external runner's capacity is declared, not slots, and lists no GPU. */
const slots = (wf: OrchWorkflow) => (wf.external ? 0 : wf.capacity);
const declared = (wf: OrchWorkflow) => (wf.external ? wf.capacity : 0);
const listsGpu = (o: Orchestrator, wf: OrchWorkflow) => reportsHardware(o) && !wf.external;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function offers(w: { pipeline: string; model: string }): { o: Orchestrator; wf: OrchWorkflow }[] {
  return world.orchestrators.flatMap((o) => o.workflows.filter((x) => x.pipeline === w.pipeline && x.model === w.model).map((wf) => ({ o, wf })));
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = (v.length - 1) / 2;
  return (v[Math.floor(mid)]! + v[Math.ceil(mid)]!) / 2;
}

/** Capability polls in the window that reached orchestrators: when, and which gateway polled. A poll
 * that reached nobody (data null) samples no node. */
function polls(): { t: number; gatewayIndex: number }[] {
  return activity.events
    .filter((e) => e.type === 'network_capabilities' && e.data !== null && Number(e.timestamp) >= world.window.from && Number(e.timestamp) < world.window.to)
    .map((e) => ({ t: Number(e.timestamp), gatewayIndex: world.gateways.find((g) => g.host === e.gateway)!.index }));
}

/** Live sessions of (orchestrator, model) running at t: the slots a node has in use then. */
function running(o: Orchestrator, model: string, t: number): number {
  return activity.sessions.filter((s) => s.orchestrator === o.address && s.model === model && s.startMs <= t && t < s.endMs).length;
}

describe('network supply on the embedded network', () => {
  it('recovers per hour and workflow the orchestrators, warm ones, slots, declared capacity, GPUs and prices of the world', async () => {
    const got = await rows<Record<string, unknown>>('network_supply_hourly', `SELECT strftime(hour, '%Y-%m-%dT%H') AS hour, * EXCLUDE (hour) FROM DATASET`);
    const flows = world.workflows.filter((w) => offers(w).length > 0);
    expect(got.length).toBe(24 * flows.length);
    // The world has LLM nodes behind external runners: their capacity must not land in the slots.
    expect(got.some((r) => Number(r.declared_capacity) > 10_000 && r.pipeline === 'llm')).toBe(true);
    for (const w of flows) {
      const list = offers(w);
      const priced = list.filter((x) => reportsHardware(x.o)).map((x) => x.wf.pricePerUnitWei / x.wf.pixelsPerUnit);
      const want = {
        orchestrators_seen: list.length,
        warm_orchestrators: list.filter((x) => x.wf.warm).length,
        unattributed_nodes: 0,
        total_slots: sum(list.map((x) => slots(x.wf))),
        declared_capacity: sum(list.map((x) => declared(x.wf))),
        gpus_advertised: list.filter((x) => listsGpu(x.o, x.wf)).length,
        price_samples: priced.length,
        price_min_wei_per_unit: priced.length ? Math.min(...priced) : null,
        price_median_wei_per_unit: priced.length ? median(priced) : null,
        price_max_wei_per_unit: priced.length ? Math.max(...priced) : null,
      };
      for (const r of got.filter((x) => x.pipeline === w.pipeline && x.model === w.model)) {
        const picked = Object.fromEntries(Object.keys(want).map((k) => [k, num(r[k])]));
        expect(picked, `${r.hour} ${w.model}`).toEqual(want);
      }
    }
  });

  it('counts slot samples per poll and recovers the slots in use from the sessions running at the last poll of an hour', async () => {
    const all = polls();
    const got = await rows<{ hour: string; pipeline: string; model: string; used: bigint; idle: bigint; total: bigint; samples: bigint; used_samples: bigint }>(
      'network_supply_hourly',
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS hour, pipeline, model, in_use_slots AS used, idle_slots AS idle, total_slots AS total, total_slot_samples AS samples, in_use_slot_samples AS used_samples FROM DATASET`,
    );
    // The last gateway's poll counts every gateway's sessions, whichever order the simulator polls in.
    const lastGateway = world.gateways.length - 1;
    let checked = 0;
    for (const r of got) {
      const list = offers(r);
      const inHour = all.filter((p) => hourKey(p.t) === r.hour);
      // Total slots are idle + in use at every poll, so the samples are the world's slots per poll.
      expect(Number(r.samples), `${r.hour} ${r.model}`).toBe(inHour.length * sum(list.map((x) => slots(x.wf))));
      expect(Number(r.used_samples)).toBeLessThanOrEqual(Number(r.samples));
      const last = inHour.reduce((a, b) => (b.t > a.t ? b : a));
      if (last.gatewayIndex !== lastGateway) continue;
      const want = list.reduce((s, x) => s + Math.min(running(x.o, r.model, last.t), x.wf.capacity), 0);
      expect(Number(r.used), `${r.hour} ${r.model}`).toBe(want);
      expect(Number(r.idle), `${r.hour} ${r.model}`).toBe(Number(r.total) - want);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(got.some((r) => Number(r.used) > 0)).toBe(true);
  });

  it('recovers GPUs by model and memory size', async () => {
    const want = new Map<string, { uuids: Set<string>; orchs: Set<string> }>();
    for (const o of world.orchestrators.filter(reportsHardware)) {
      for (const wf of o.workflows.filter((w) => !w.external)) {
        const g = o.gpus[wf.gpuIndex]!;
        const k = `${g.name}|${g.memoryTotalBytes}`;
        const e = want.get(k) ?? { uuids: new Set(), orchs: new Set() };
        e.uuids.add(g.uuid);
        e.orchs.add(o.address);
        want.set(k, e);
      }
    }
    const got = await rows<{ hour: string; k: string; gpus: bigint; orchs: bigint }>(
      'network_supply_gpus_hourly',
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS hour, gpu_model || '|' || vram_bytes AS k, gpus_seen AS gpus, orchestrators_seen AS orchs FROM DATASET`,
    );
    expect(got.length).toBe(24 * want.size);
    for (const r of got) expect([Number(r.gpus), Number(r.orchs)], `${r.hour} ${r.k}`).toEqual([want.get(r.k)!.uuids.size, want.get(r.k)!.orchs.size]);
  });

  it('recovers each orchestrator\'s daily profile, transcoding-only ones included, and attributes every discovery candidate', async () => {
    const got = await rows<Record<string, unknown>>('orchestrator_supply_daily', `SELECT * FROM DATASET`);
    const everyone = [...world.orchestrators, ...world.transcodingOrchestrators];
    expect(world.transcodingOrchestrators.length).toBeGreaterThan(0);
    expect(got.map((r) => r.orchestrator_address).sort()).toEqual(everyone.map((o) => o.address).sort());
    for (const o of everyone) {
      const gpus = reportsHardware(o) ? [...new Set(o.workflows.filter((w) => !w.external).map((w) => o.gpus[w.gpuIndex]!))] : [];
      const r = got.find((x) => x.orchestrator_address === o.address)!;
      expect(
        {
          node_version: r.node_version,
          region: r.region,
          nodes: num(r.nodes),
          snapshots: num(r.snapshots),
          transcoding: r.offers_transcoding,
          transcoders: num(r.transcoding_capacity),
          transcoding_price: r.transcoding_price_wei_per_pixel,
          workflows: num(r.workflows_offered),
          warm: num(r.warm_workflows),
          gpus: num(r.gpus_seen),
          vram: num(r.gpu_memory_bytes),
          slots: num(r.total_slots),
          declared: num(r.declared_capacity),
        },
        o.address,
      ).toEqual({
        node_version: o.version,
        region: o.region,
        nodes: 1,
        snapshots: polls().length,
        transcoding: true,
        transcoders: o.transcoders,
        transcoding_price: o.transcodingPrice.pricePerUnitWei / o.transcodingPrice.pixelsPerUnit,
        workflows: o.workflows.length,
        warm: o.workflows.filter((w) => w.warm).length,
        gpus: gpus.length,
        vram: gpus.reduce((s, g) => s + g.memoryTotalBytes, 0),
        slots: sum(o.workflows.map(slots)),
        declared: sum(o.workflows.map(declared)),
      });
      expect(num(r.discovery_candidacies), o.address).toBe(num(r.discovery_latency_samples));
    }
    expect(everyone.some((o) => o.version.endsWith('-dirty'))).toBe(true);
    const candidacies = activity.events
      .filter((e) => e.type === 'discovery_results' && Number(e.timestamp) >= world.window.from && Number(e.timestamp) < world.window.to)
      .reduce((s, e) => s + (e.data as unknown[]).length, 0);
    expect(got.reduce((s, r) => s + Number(num(r.discovery_candidacies)), 0)).toBe(candidacies);
  });

  it('recovers each offer\'s last state of the day and reconciles its sums with the hourly rows', async () => {
    const offersDaily = await rows<Record<string, unknown>>('network_supply_offers_daily', `SELECT * FROM DATASET`);
    expect(offersDaily.length).toBe(world.orchestrators.reduce((s, o) => s + o.workflows.length, 0));
    const dayPolls = polls().length;
    for (const o of world.orchestrators) {
      for (const wf of o.workflows) {
        const r = offersDaily.find((x) => x.orchestrator_address === o.address && x.model === wf.model)!;
        expect(
          { pipeline: r.pipeline, warm: r.is_warm, snapshots: num(r.offer_snapshots), slots: num(r.total_slots), declared: num(r.declared_capacity), price: r.price_wei_per_unit },
          `${o.address} ${wf.model}`,
        ).toEqual({ pipeline: wf.pipeline, warm: wf.warm, snapshots: dayPolls, slots: slots(wf), declared: declared(wf), price: reportsHardware(o) ? wf.pricePerUnitWei / wf.pixelsPerUnit : null });
      }
    }
    const hourly = await rows<{ k: string; a: bigint; b: bigint; c: bigint }>(
      'network_supply_hourly',
      `SELECT pipeline || '|' || model AS k, sum(offer_snapshots) AS a, sum(total_slot_samples) AS b, sum(in_use_slot_samples) AS c FROM DATASET GROUP BY ALL ORDER BY k`,
    );
    const daily = await rows<{ k: string; a: bigint; b: bigint; c: bigint }>(
      'network_supply_offers_daily',
      `SELECT pipeline || '|' || model AS k, sum(offer_snapshots) AS a, sum(total_slot_samples) AS b, sum(in_use_slot_samples) AS c FROM DATASET GROUP BY ALL ORDER BY k`,
    );
    expect(daily.map((r) => [r.k, Number(r.a), Number(r.b), Number(r.c)])).toEqual(hourly.map((r) => [r.k, Number(r.a), Number(r.b), Number(r.c)]));
  });

  it('publishes every advertised price: transcoding, AI and BYOC, offered or not', async () => {
    const got = await rows<{ uri: string; kind: string; cap: number | null; model: string; pipeline: string; unit: string; n: bigint; price: number }>(
      'orchestrator_prices_daily',
      `SELECT orch_url_norm AS uri, price_kind AS kind, capability_id AS cap, model, pipeline, price_unit AS unit, price_snapshots AS n, price_wei_per_unit AS price FROM DATASET`,
    );
    const want: typeof got = [];
    const dayPolls = BigInt(polls().length);
    for (const o of [...world.orchestrators, ...world.transcodingOrchestrators]) {
      const uri = o.serviceUri.toLowerCase();
      want.push({ uri, kind: 'transcoding', cap: null, model: '', pipeline: 'transcoding', unit: 'pixel', n: dayPolls, price: o.transcodingPrice.pricePerUnitWei / o.transcodingPrice.pixelsPerUnit });
      if (!reportsHardware(o)) continue;
      for (const w of o.workflows) {
        want.push({ uri, kind: 'capability', cap: w.capability, model: w.model, pipeline: w.pipeline, unit: w.live ? 'pixel' : 'pipeline unit', n: dayPolls, price: w.pricePerUnitWei / w.pixelsPerUnit });
      }
      for (const b of o.byoc) want.push({ uri, kind: 'capability', cap: 37, model: b.name, pipeline: 'byoc', unit: 'second', n: dayPolls, price: b.pricePerUnitWei / b.pixelsPerUnit });
    }
    const key = (r: { uri: string; kind: string; cap: number | null; model: string }) => `${r.uri}|${r.kind}|${r.cap}|${r.model}`;
    const norm = (r: (typeof got)[number]) => ({ ...r, n: Number(r.n) });
    expect(got.map(norm).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(want.map(norm).sort((a, b) => key(a).localeCompare(key(b))));
    expect(want.some((r) => r.pipeline === 'byoc')).toBe(true);
  });
});
