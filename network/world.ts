// The embedded network's cast: orchestrators, gateways, regions, GPUs and workflows, drawn from a
// seed. Everything else the simulator makes (sessions, payments, probes, chain events) refers to it.
import { getAddress, keccak256, toHex } from 'viem';
import { Rng } from '../lib/rng.ts';
import { DAY_MS, ms, type UnixMs, type Window } from '../lib/time.ts';
import { demandFor, scaleFor } from './calibrate.ts';

export type Address = `0x${string}`;

export interface Region {
  /** Leaderboard-style code. */
  code: string;
  name: string;
}

/** A workflow is a pipeline (capability slug) plus a model. */
export interface Workflow {
  pipeline: string;
  model: string;
  capability: number;
  /** Display name the AI job tester posts to the leaderboard. */
  displayName: string;
  live: boolean;
}

export interface Gpu {
  uuid: string;
  name: string;
  major: number;
  minor: number;
  memoryTotalBytes: number;
}

export interface OrchWorkflow extends Workflow {
  warm: boolean;
  /**
   * Total capacity of the model: warm containers (one per GPU) for a managed runner, or the number
   * an operator configured for an external runner (aiModels.json `capacity` with a `url`, which
   * go-livepeer advertises as is: cmd/livepeer/starter/starter.go), which is not a GPU count.
   */
  capacity: number;
  /** Served by an external runner the orchestrator reaches by URL, not a container on its GPUs. */
  external: boolean;
  pricePerUnitWei: number;
  pixelsPerUnit: number;
  gpuIndex: number;
}

/** How an orchestrator behaves; the ground truth that metrics must recover. */
export interface Behaviour {
  startupFailP: number;
  swapP: number;
  zeroFpsP: number;
  loadingOnlyP: number;
  fpsMean: number;
  fpsSd: number;
  startupLatencyMs: number;
  e2eLatencyMs: number;
  batchFailP: number;
  batchLatencyMs: number;
  rewardCallP: number;
}

/** A BYOC external capability (byoc/, core/external_capabilities.go): priced, never in PerCapability. */
export interface ByocCapability {
  name: string;
  /** Wei per second of compute (byoc/job_orchestrator.go debits ceil(seconds) x price). */
  pricePerUnitWei: number;
  pixelsPerUnit: number;
}

export interface Orchestrator {
  index: number;
  /** Canonical identity: lowercase on-chain address (ticket recipient, subgraph id). */
  address: Address;
  addressChecksum: Address;
  /** Node (hot-wallet) address, lowercase as in stream_trace; checksummed as `local_address`. */
  hotWallet: Address;
  hotWalletChecksum: Address;
  serviceUri: string;
  region: string;
  version: string;
  gpus: Gpu[];
  workflows: OrchWorkflow[];
  byoc: ByocCapability[];
  /**
   * capabilities.capacities of a transcoding capability: 1 for the orchestrator plus 1 per remote
   * transcoder that registered it (core.NewCapabilities, Capabilities.AddCapacity).
   */
  transcoders: number;
  /** price_info: the transcoding price, pricePerUnit wei per pixelsPerUnit pixels. */
  transcodingPrice: { pricePerUnitWei: number; pixelsPerUnit: number };
  behaviour: Behaviour;
  stakeWei: bigint;
  rewardCutPpm: number;
  feeSharePpm: number;
  active: boolean;
}

export interface Gateway {
  index: number;
  /** On-chain ticket sender, lowercase. */
  address: Address;
  addressChecksum: Address;
  /** The envelope `gateway` field: the node's -gatewayHost, often empty in real data. */
  host: string;
  org: 'daydream' | 'cloudspe';
  region: string;
  /** Relative share of demand. */
  weight: number;
}

export interface WorldOptions {
  seed: string;
  /** 1 is the small demo network; about 8 reaches today's network size. */
  scale: number;
  /** First simulated UTC day (YYYY-MM-DD). */
  start: string;
  days: number;
  /**
   * Gateway events a day to aim for (within 10 %): sets the demand per orchestrator, and the
   * network's size too when `scale` is not given (calibrate.ts).
   */
  eventsPerDay?: number;
}

export interface World {
  options: WorldOptions;
  window: Window;
  regions: Region[];
  workflows: Workflow[];
  /** Orchestrators with AI workflows: sessions, batch jobs, probes and the chain use these. */
  orchestrators: Orchestrator[];
  /**
   * Transcoding-only orchestrators: they answer every gateway's capability poll, nothing else in
   * the simulation uses them yet.
   */
  transcodingOrchestrators: Orchestrator[];
  gateways: Gateway[];
  /** Live sessions and batch requests per orchestrator, relative to the demo network's (1). */
  demand: number;
}

export const DEFAULT_WORLD: WorldOptions = { seed: 'livepeer-embedded-1', scale: 1, start: '2026-11-16', days: 1 };

export const REGIONS: Region[] = [
  { code: 'FRA', name: 'Frankfurt' },
  { code: 'LAX', name: 'Los Angeles' },
  { code: 'MDW', name: 'Chicago' },
  { code: 'LON', name: 'London' },
  { code: 'SIN', name: 'Singapore' },
];

/** Regions the AI probers post from (leaderboard-serverless seeds GLOBAL, MDW, FRA, LAX for AI). */
export const PROBE_REGIONS = ['FRA', 'LAX', 'MDW'];

export const WORKFLOWS: Workflow[] = [
  { pipeline: 'live-video-to-video', model: 'streamdiffusion-sdxl', capability: 35, displayName: 'Live video to video', live: true },
  { pipeline: 'live-video-to-video', model: 'streamdiffusion-sdxl-faceid', capability: 35, displayName: 'Live video to video', live: true },
  { pipeline: 'text-to-image', model: 'SG161222/RealVisXL_V4.0_Lightning', capability: 27, displayName: 'Text to image', live: false },
  { pipeline: 'image-to-image', model: 'timbrooks/instruct-pix2pix', capability: 28, displayName: 'Image to image', live: false },
  { pipeline: 'llm', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', capability: 33, displayName: 'Llm', live: false },
  { pipeline: 'audio-to-text', model: 'openai/whisper-large-v3', capability: 31, displayName: 'Audio to text', live: false },
];

const GPU_MODELS: readonly (readonly [{ name: string; major: number; minor: number; mem: number }, number])[] = [
  [{ name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, mem: 25757220864 }, 5],
  [{ name: 'NVIDIA GeForce RTX 5090', major: 12, minor: 0, mem: 34190917632 }, 3],
  [{ name: 'NVIDIA GeForce RTX 3090', major: 8, minor: 6, mem: 25769803776 }, 2],
  [{ name: 'NVIDIA A100-SXM4-40GB', major: 8, minor: 0, mem: 42949672960 }, 1],
];

function addressFrom(label: string): Address {
  return `0x${keccak256(toHex(label)).slice(-40)}` as Address;
}

function gpuUuid(rng: Rng): string {
  const h = rng.hex(32);
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An orchestrator's addresses, service URI and region, all derived from its index (no draws). */
function identity(index: number, seed: string): Pick<Orchestrator, 'index' | 'address' | 'addressChecksum' | 'hotWallet' | 'hotWalletChecksum' | 'serviceUri' | 'region'> {
  const address = addressFrom(`${seed}/orchestrator/${index}`);
  const hotWallet = addressFrom(`${seed}/orchestrator/${index}/node`);
  const region = REGIONS[index % REGIONS.length]!.code;
  const host = `orch-${index.toString().padStart(3, '0')}.${region.toLowerCase()}.lpnet.example`;
  return { index, address, addressChecksum: getAddress(address), hotWallet, hotWalletChecksum: getAddress(hotWallet), serviceUri: `https://${host}:${8935 + (index % 3)}`, region };
}

/**
 * go-livepeer's version string (print_version.sh): VERSION alone on a tagged build, else
 * VERSION-<git describe --always --long --dirty --abbrev=8>, which an untagged, modified build
 * makes `0.8.9-1a2b3c4d-dirty`. Every fourth orchestrator runs such a build.
 */
function nodeVersion(release: string, index: number, seed: string): string {
  if (index % 4 !== 2) return release;
  return `${release}-${keccak256(toHex(`${seed}/build/${index}`)).slice(2, 10)}-dirty`;
}

/**
 * An orchestrator that only transcodes: no AI constraints, no hardware and no AI prices (both sent
 * as null), a transcoding price and its transcoders' capacity. Most of the real network is like it.
 */
function makeTranscodingOrchestrator(rng: Rng, index: number, seed: string): Orchestrator {
  return {
    ...identity(index, seed),
    version: nodeVersion(rng.pick(['0.8.7', '0.8.8', '0.8.9']), index, seed),
    gpus: [],
    workflows: [],
    byoc: [],
    transcoders: rng.int(1, 6),
    transcodingPrice: { pricePerUnitWei: rng.int(300, 2_500), pixelsPerUnit: 1 },
    behaviour: { startupFailP: 0, swapP: 0, zeroFpsP: 0, loadingOnlyP: 0, fpsMean: 0, fpsSd: 0, startupLatencyMs: 0, e2eLatencyMs: 0, batchFailP: 0, batchLatencyMs: 0, rewardCallP: 0 },
    stakeWei: BigInt(rng.int(1_000, 200_000)) * 10n ** 18n,
    rewardCutPpm: rng.pick([50_000, 100_000, 250_000]),
    feeSharePpm: rng.pick([500_000, 750_000]),
    active: true,
  };
}

function makeOrchestrator(rng: Rng, index: number, seed: string): Orchestrator {
  const gpuCount = rng.int(1, 4);
  const gpus: Gpu[] = [];
  for (let g = 0; g < gpuCount; g++) {
    const m = rng.weighted(GPU_MODELS);
    gpus.push({ uuid: gpuUuid(rng), name: m.name, major: m.major, minor: m.minor, memoryTotalBytes: m.mem });
  }
  // Every orchestrator serves live video; most also serve one or more batch pipelines.
  const live = WORKFLOWS.filter((w) => w.live);
  const batch = WORKFLOWS.filter((w) => !w.live);
  const chosen: Workflow[] = [rng.pick(live)];
  if (rng.chance(0.4)) chosen.push(live.find((w) => w !== chosen[0])!);
  for (const w of batch) if (rng.chance(0.5)) chosen.push(w);
  const workflows = chosen.map((w, i) => {
    const wf = {
      ...w,
      warm: w.live || rng.chance(0.7),
      capacity: w.live ? rng.int(1, 3) : 1,
      external: false,
      pricePerUnitWei: w.live ? rng.int(8, 30) * 100 : rng.int(2, 9) * 1_000_000,
      pixelsPerUnit: 1,
      gpuIndex: i % gpuCount,
    };
    // Every third orchestrator serves its LLM through an external runner with an operator-set
    // capacity in the tens of thousands, as real LLM nodes advertise (not GPU slots). Derived from
    // the index, not drawn, so the rest of the world stays as it was.
    if (w.pipeline === 'llm' && index % 3 === 0) Object.assign(wf, { external: true, capacity: 30_000 + ((index * 7_919) % 60_000) });
    return wf;
  });
  // A few orchestrators are clearly worse, so rankings and signals have something to find.
  const tier = rng.weighted([
    ['good', 6],
    ['fair', 3],
    ['poor', 1],
  ] as const);
  const f = tier === 'good' ? 1 : tier === 'fair' ? 2.5 : 6;
  const behaviour: Behaviour = {
    startupFailP: Math.min(0.5, 0.02 * f),
    swapP: Math.min(0.4, 0.02 * f),
    zeroFpsP: Math.min(0.3, 0.01 * f),
    loadingOnlyP: Math.min(0.3, 0.01 * f),
    fpsMean: tier === 'poor' ? rng.float(8, 12) : rng.float(14, 24),
    fpsSd: rng.float(0.5, 2.5),
    startupLatencyMs: rng.float(1500, 3000) * (tier === 'poor' ? 2 : 1),
    e2eLatencyMs: rng.float(300, 900) * (tier === 'poor' ? 2 : 1),
    batchFailP: Math.min(0.6, 0.03 * f),
    batchLatencyMs: rng.float(900, 4000),
    rewardCallP: tier === 'poor' ? 0.6 : 0.97,
  };
  return {
    ...identity(index, seed),
    version: nodeVersion(rng.pick(['0.8.8', '0.8.9', '0.8.9']), index, seed),
    gpus,
    workflows,
    byoc: index % 4 === 1 ? [{ name: 'openai-chat-completions', pricePerUnitWei: 1_000 + index * 37, pixelsPerUnit: 1 }] : [],
    transcoders: 1 + (index % 3),
    transcodingPrice: { pricePerUnitWei: 1200 + index * 10, pixelsPerUnit: 1 },
    behaviour,
    stakeWei: BigInt(rng.int(5_000, 900_000)) * 10n ** 18n,
    rewardCutPpm: rng.pick([50_000, 100_000, 150_000, 250_000]),
    feeSharePpm: rng.pick([250_000, 500_000, 750_000, 900_000]),
    active: true,
  };
}

export function createWorld(opts: Partial<WorldOptions> = {}): World {
  const options: WorldOptions = { ...DEFAULT_WORLD, ...opts };
  if (options.eventsPerDay !== undefined) {
    if (!(options.eventsPerDay > 0)) throw new Error(`eventsPerDay must be positive, got ${options.eventsPerDay}`);
    if (opts.scale === undefined) options.scale = scaleFor(options.eventsPerDay);
  }
  if (!(options.scale > 0)) throw new Error(`scale must be positive, got ${options.scale}`);
  const rng = new Rng(options.seed);
  const from = ms(Date.parse(`${options.start}T00:00:00Z`));
  if (!Number.isFinite(from)) throw new Error(`start must be YYYY-MM-DD, got ${options.start}`);
  const orchCount = Math.max(3, Math.round(12 * options.scale));
  const gatewayCount = Math.max(2, Math.round(3 * Math.sqrt(options.scale)));
  const orchestrators = Array.from({ length: orchCount }, (_, i) => makeOrchestrator(rng.fork(`orch/${i}`), i, options.seed));
  const transcodingOrchestrators = Array.from({ length: Math.max(2, Math.round(6 * options.scale)) }, (_, k) =>
    makeTranscodingOrchestrator(rng.fork(`transcoding/${k}`), orchCount + k, options.seed),
  );
  const grng = rng.fork('gateways');
  const gateways: Gateway[] = Array.from({ length: gatewayCount }, (_, i) => {
    const address = addressFrom(`${options.seed}/gateway/${i}`);
    const org = i % 3 === 2 ? 'cloudspe' : 'daydream';
    return {
      index: i,
      address,
      addressChecksum: getAddress(address),
      // Real envelopes often carry an empty gateway; keep one such gateway in every world.
      host: i === 0 ? '' : `gw-${i}.${org}.lpnet.example`,
      org,
      region: REGIONS[(i * 2) % REGIONS.length]!.code,
      weight: grng.float(0.5, 2),
    };
  });
  const world: World = {
    options,
    window: { from, to: ms(from + options.days * DAY_MS) as UnixMs },
    regions: REGIONS,
    workflows: WORKFLOWS,
    orchestrators,
    transcodingOrchestrators,
    gateways,
    demand: 1,
  };
  if (options.eventsPerDay !== undefined) world.demand = demandFor(world, options.eventsPerDay);
  return world;
}
