// What the simulator produced over its window: the wire-shaped events and the ground truth behind them.
import type { UnixMs } from '../lib/time.ts';
import type { Address } from './world.ts';

/** A gateway event as the Kafka producer writes it (docs/sources.md §2.3). */
export interface Envelope {
  id: string;
  type: string;
  /** Unix milliseconds as a string of digits. */
  timestamp: string;
  gateway: string;
  data: unknown;
}

export type Excusal = 'none' | 'no_orch' | 'excusable_error';

/** Ground truth of one live-video-to-video session (NaaP semantics, docs/sources.md §12.1). */
export interface SessionTruth {
  streamId: string;
  requestId: string;
  org: 'daydream' | 'cloudspe';
  gatewayIndex: number;
  gatewayAddress: Address;
  /** Canonical on-chain address of the orchestrator that served it last; null when none was found. */
  orchestrator: Address | null;
  /** Every orchestrator that served it, in order (swaps move to the next). */
  orchestrators: Address[];
  pipeline: string;
  model: string;
  startMs: UnixMs;
  endMs: UnixMs;
  /** UTC hour (ms) of the request; demand rows anchor here. */
  hourMs: UnixMs;
  startupSuccess: boolean;
  excusal: Excusal | null;
  loadingOnly: boolean;
  zeroFps: boolean;
  swapsConfirmed: number;
  swapsInferred: number;
  statusSamples: number;
  fpsSum: number;
  /** Status samples per UTC hour, with their FPS sum, keyed by hour ms. */
  statusByHour: Record<string, { samples: number; fpsSum: number; orchestrator: Address }>;
  startupLatencyMs: number | null;
  e2eLatencyMs: number | null;
  promptToFirstFrameMs: number | null;
  errors: string[];
}

/** One AI batch request sent by a gateway. */
export interface BatchRequestTruth {
  requestId: string;
  gatewayIndex: number;
  orchestrator: Address;
  orchUrl: string;
  pipeline: string;
  model: string;
  atMs: UnixMs;
  success: boolean;
  durationMs: number;
  tries: number;
  errorType: string;
}

/** One ticket batch sent by a gateway to an orchestrator. */
export interface Payment {
  atMs: UnixMs;
  gatewayIndex: number;
  sender: Address;
  recipient: Address;
  orchUri: string;
  manifestId: string;
  /** The workflow the batch paid for. */
  pipeline: string;
  model: string;
  /**
   * How its events name that workflow: 'manifest' when manifestID is "<capability id>_<model>",
   * 'session' when only another batch of the same orchestrator session does (§2.10).
   */
  attribution: 'manifest' | 'session';
  faceValueWei: bigint;
  winProb: number;
  numTickets: number;
  /** Tickets in this batch that win (drawn by the simulator; these get redeemed on chain). */
  winningTickets: number;
}

/**
 * What the running network keeps of its activity: the truth of every session and batch request.
 * Events and payments stream through (simulate.ts) and are not kept.
 */
export interface Truth {
  sessions: SessionTruth[];
  batch: BatchRequestTruth[];
}

/** A whole window in memory (simulate.ts `simulate`, small worlds only). */
export interface Activity extends Truth {
  /** Every gateway event, in envelope-time order (then id). */
  events: Envelope[];
  /** The org of the gateway that emitted each event (parallel to `events`); decides the topic. */
  eventOrgs: ('daydream' | 'cloudspe')[];
  /** Every ticket batch, in time order. */
  payments: Payment[];
}

/** The protocol contracts whose logs the pipeline reads (proxy addresses, docs/sources.md §13.1). */
export type ProtocolContract = 'BondingManager' | 'TicketBroker' | 'RoundsManager' | 'Minter' | 'ServiceRegistry';

/** A log as mined into the embedded chain, decoded with the real ABI. */
export interface MinedLog {
  contract: ProtocolContract;
  /** Lowercase proxy address that emitted it. */
  address: Address;
  eventName: string;
  /** Decoded arguments; uint256 values as bigint, addresses lowercase. */
  args: Record<string, unknown>;
  topics: `0x${string}`[];
  data: `0x${string}`;
  blockNumber: number;
  blockHash: `0x${string}`;
  /** Unix seconds. */
  blockTimestamp: number;
  transactionHash: `0x${string}`;
  transactionIndex: number;
  logIndex: number;
  /** Transaction sender, lowercase. */
  from: Address;
}
