// network_capabilities payloads (docs/sources.md §2.9): one object per orchestrator a gateway polled,
// as go-livepeer's discovery builds it (discovery/db_discovery.go orchInfoToOrchNetworkCapabilities)
// and encoding/json writes it: fields tagged omitempty are left out when zero, false or empty, and a
// nil slice is written as null.
import type { Orchestrator, OrchWorkflow } from './world.ts';

const LIVE_VIDEO_TO_VIDEO = 35;

function bitstring(caps: number[]): number[] {
  // Capabilities 0..63 fit the first uint64 word; every id we use is below 64.
  let word = 0n;
  for (const c of caps) word |= 1n << BigInt(c);
  return [Number(word)];
}

/** Transcoding capabilities every go-livepeer node advertises (ids 0-26, §4). */
const BASE_CAPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];

/**
 * One model's constraint. `capacity` is what is idle: go-livepeer decrements it per reserved batch
 * job (core/ai.go ReserveAICapability) and, for live video, sets it to the idle containers and
 * capacityInUse to the busy ones (server/rpc.go setLiveAICapacity). Batch pipelines never send
 * capacityInUse; their jobs here finish within a poll interval, so nothing is reserved at a poll.
 */
function modelConstraint(w: OrchWorkflow, used: number): Record<string, unknown> {
  const inUse = w.capability === LIVE_VIDEO_TO_VIDEO ? Math.min(used, w.capacity) : 0;
  const model: Record<string, unknown> = {};
  if (w.warm) model.warm = true;
  if (w.capacity - inUse > 0) model.capacity = w.capacity - inUse;
  model.runnerVersion = '0.14.2';
  if (inUse > 0) model.capacityInUse = inUse;
  return model;
}

function hardwareEntry(o: Orchestrator, w: OrchWorkflow): Record<string, unknown> {
  // An external runner without /hardware/info leaves GpuInfo nil (ai/worker/container.go), which
  // omitempty drops.
  if (w.external) return { pipeline: w.pipeline, model_id: w.model };
  const g = o.gpus[w.gpuIndex]!;
  return {
    pipeline: w.pipeline,
    model_id: w.model,
    gpu_info: { '0': { id: g.uuid, name: g.name, major: g.major, minor: g.minor, memory_free: Math.floor(g.memoryTotalBytes * 0.4), memory_total: g.memoryTotalBytes } },
  };
}

export function capabilityEntry(o: Orchestrator, inUse: Map<string, number>): Record<string, unknown> {
  const aiCaps = [...new Set(o.workflows.map((w) => w.capability))].sort((a, b) => a - b);
  // core.NewCapabilities starts every advertised capability at 1; remote transcoders add theirs.
  const capacities: Record<string, number> = {};
  for (const c of BASE_CAPS) capacities[String(c)] = o.transcoders;
  for (const c of aiCaps) capacities[String(c)] = 1;
  const perCapability: Record<string, { models: Record<string, Record<string, unknown>> }> = {};
  for (const w of o.workflows) {
    (perCapability[String(w.capability)] ??= { models: {} }).models[w.model] = modelConstraint(w, inUse.get(`${o.address}|${w.model}`) ?? 0);
  }
  // One AI orchestrator in every seven reports no hardware and no AI prices, as real nodes on old
  // versions do (§15.2); transcoding-only orchestrators have neither either. Both are sent as null.
  const bare = o.workflows.length === 0 || o.index % 7 === 6;
  const prices = [
    ...o.workflows.map((w) => ({ pricePerUnit: w.pricePerUnitWei, pixelsPerUnit: w.pixelsPerUnit, capability: w.capability, constraint: w.model })),
    // BYOC prices ride on capability 37 with the registered name as the constraint (core/orchestrator.go).
    ...o.byoc.map((b) => ({ pricePerUnit: b.pricePerUnitWei, pixelsPerUnit: b.pixelsPerUnit, capability: 37, constraint: b.name })),
  ];
  const constraints: Record<string, unknown> = { minVersion: '0.8.8' };
  // An empty PerCapability map is dropped by omitempty.
  if (o.workflows.length > 0) constraints.PerCapability = perCapability;
  return {
    address: o.addressChecksum,
    local_address: o.hotWalletChecksum,
    orch_uri: o.serviceUri,
    capabilities: {
      bitstring: bitstring([...BASE_CAPS, ...aiCaps]),
      capacities,
      version: o.version,
      constraints,
    },
    price_info: { pricePerUnit: o.transcodingPrice.pricePerUnitWei, pixelsPerUnit: o.transcodingPrice.pixelsPerUnit },
    capabilities_prices: bare ? null : prices,
    hardware: bare ? null : o.workflows.map((w) => hardwareEntry(o, w)),
  };
}
