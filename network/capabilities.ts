// network_capabilities payloads (livepeer-sources §2.9): one object per orchestrator a gateway polled.
// Protobuf JSON uses omitempty, so false / zero / empty values are left out rather than sent as null.
import type { Orchestrator } from './world.ts';

function bitstring(caps: number[]): number[] {
  // Capabilities 0..63 fit the first uint64 word; every id we use is below 64.
  let word = 0n;
  for (const c of caps) word |= 1n << BigInt(c);
  return [Number(word)];
}

/** Transcoding capabilities every go-livepeer node advertises (ids 0-26, §4). */
const BASE_CAPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];

export function capabilityEntry(o: Orchestrator, inUse: Map<string, number>): Record<string, unknown> {
  const aiCaps = [...new Set(o.workflows.map((w) => w.capability))].sort((a, b) => a - b);
  const capacities: Record<string, number> = {};
  const perCapability: Record<string, { models: Record<string, Record<string, unknown>> }> = {};
  for (const w of o.workflows) {
    const key = String(w.capability);
    capacities[key] = (capacities[key] ?? 0) + w.capacity;
    const model: Record<string, unknown> = { capacity: w.capacity, runnerVersion: '0.14.2' };
    if (w.warm) model.warm = true;
    const used = Math.min(inUse.get(`${o.address}|${w.model}`) ?? 0, w.capacity);
    if (used > 0) model.capacityInUse = used;
    (perCapability[key] ??= { models: {} }).models[w.model] = model;
  }
  // One orchestrator in every world reports no hardware and no AI prices, as real nodes on old
  // versions do (§15.2); the index choice only needs to be stable.
  const bare = o.index % 7 === 6;
  const entry: Record<string, unknown> = {
    address: o.addressChecksum,
    local_address: o.hotWalletChecksum,
    orch_uri: o.serviceUri,
    capabilities: {
      bitstring: bitstring([...BASE_CAPS, ...aiCaps]),
      capacities,
      version: o.version,
      constraints: { minVersion: '0.8.8', PerCapability: perCapability },
    },
    price_info: { pricePerUnit: 1200 + o.index * 10, pixelsPerUnit: 1 },
    capabilities_prices: bare
      ? null
      : o.workflows.map((w) => ({ pricePerUnit: w.pricePerUnitWei, pixelsPerUnit: w.pixelsPerUnit, capability: w.capability, constraint: w.model })),
    hardware: bare
      ? null
      : o.workflows.map((w) => {
          const g = o.gpus[w.gpuIndex]!;
          return {
            pipeline: w.pipeline,
            model_id: w.model,
            gpu_info: { '0': { id: g.uuid, name: g.name, major: g.major, minor: g.minor, memory_free: Math.floor(g.memoryTotalBytes * 0.4), memory_total: g.memoryTotalBytes } },
          };
        }),
  };
  return entry;
}
