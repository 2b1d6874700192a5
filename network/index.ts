// Starts the embedded Livepeer network: simulates the window, writes archives and load-test bundles,
// mines the protocol into anvil, and serves every source on 127.0.0.1 in its real wire shape. It
// also writes the ground truth it generated, so tests can check that metrics recover it.
// The simulation streams: events go to the archive files and the Prometheus series as they are
// made, payments to the ticket ledger; only session and batch truth is kept.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config, Endpoints } from '../lib/config.ts';
import { stableJson } from '../lib/hash.ts';
import type { Logger } from '../lib/log.ts';
import type { Truth } from './activity.ts';
import { ArchiveWriter, type ArchiveSummary } from './archive.ts';
import { startChain, type EmbeddedChain } from './chain/index.ts';
import { startLeaderboard } from './leaderboard/server.ts';
import { startReferenceGateway } from './gateway.ts';
import { runEmbeddedLoadTests } from './loadtests.ts';
import { startNaap } from './naap/server.ts';
import { startPrometheus } from './prometheus/server.ts';
import { SeriesBuilder } from './prometheus/series.ts';
import { planProtocol, TicketLedger, type ProtocolPlan } from './protocol.ts';
import { writeRegionRules } from './reference.ts';
import { simulation, sortTruth } from './simulate.ts';
import { startSubgraph } from './subgraph/server.ts';
import { createWorld, type World, type WorldOptions } from './world.ts';

export interface EmbeddedNetwork {
  world: World;
  /** Session and batch truth; the events themselves are in the archives. */
  activity: Truth;
  plan: ProtocolPlan;
  chain: EmbeddedChain;
  archive: ArchiveSummary;
  endpoints: Endpoints;
  /** The reference gateway's AI endpoints (for `lpdata loadtest run --gateway`). */
  referenceGateway: string;
  /** Settings besides endpoints that differ from Arbitrum One: the chain starts at block 0. */
  settings: Pick<Config, 'chainStartBlock'>;
  /** Folder holding the archives, bundles and truth files. */
  dir: string;
  stop(): Promise<void>;
}

export interface NetworkOptions {
  dir: string;
  world?: Partial<WorldOptions>;
  log: Logger;
}

/** Live sessions per request hour, orchestrator and model, in the published dataset's terms. */
export function orchestratorHourly(activity: Pick<Truth, 'sessions'>) {
  const rows = new Map<string, { hour: string; orchestrator: string | null; model: string; requested: number; startup_success: number; swaps: number; status_samples: number; fps_sum: number }>();
  for (const s of activity.sessions) {
    const hour = new Date(s.hourMs).toISOString();
    const key = `${hour}|${s.orchestrator ?? ''}|${s.model}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { hour, orchestrator: s.orchestrator, model: s.model, requested: 0, startup_success: 0, swaps: 0, status_samples: 0, fps_sum: 0 }));
    r.requested++;
    r.startup_success += s.startupSuccess ? 1 : 0;
    r.swaps += s.swapsConfirmed + s.swapsInferred;
    r.status_samples += s.statusSamples;
    r.fps_sum += s.fpsSum;
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
}

/** Ground truth the simulator generated, written beside the files it serves. */
async function writeTruth(dir: string, world: World, activity: Truth, plan: ProtocolPlan): Promise<void> {
  const t = join(dir, 'truth');
  await mkdir(t, { recursive: true });
  await writeFile(join(t, 'sessions.ndjson'), activity.sessions.map((s) => stableJson(s, 0)).join('\n') + '\n');
  await writeFile(join(t, 'batch.ndjson'), activity.batch.map((b) => stableJson(b, 0)).join('\n') + '\n');
  await writeFile(join(t, 'orchestrator_hourly.ndjson'), orchestratorHourly(activity).map((r) => stableJson(r, 0)).join('\n') + '\n');
  await writeFile(join(t, 'protocol.json'), stableJson(plan.truth) + '\n');
  await writeFile(
    join(t, 'world.json'),
    stableJson({
      options: world.options,
      window: world.window,
      orchestrators: world.orchestrators.map((o) => ({ address: o.address, hotWallet: o.hotWallet, serviceUri: o.serviceUri, region: o.region, behaviour: o.behaviour, workflows: o.workflows.map((w) => `${w.pipeline}/${w.model}`) })),
      gateways: world.gateways,
    }) + '\n',
  );
}

export async function startNetwork(opts: NetworkOptions): Promise<EmbeddedNetwork> {
  const started = Date.now();
  const log = opts.log.child({ component: 'network' });
  const world = createWorld(opts.world);
  const archiveDir = join(opts.dir, 'archives');
  const loadtestDir = join(opts.dir, 'loadtests');
  const writer = new ArchiveWriter(archiveDir, world.options.seed);
  const series = new SeriesBuilder(world);
  const ledger = new TicketLedger();
  const activity: Truth = { sessions: [], batch: [] };
  const steps = simulation(world, {
    event(e, org) {
      writer.event(e, org);
      series.event(e);
    },
    advance: (t) => writer.advance(t),
    session(s) {
      activity.sessions.push(s);
      series.session(s);
    },
    batch: (b) => activity.batch.push(b),
    payment(p) {
      ledger.add(p);
      series.payment(p);
    },
  });
  for (const _ of steps) {
    if (writer.busy) await writer.settled();
    // Once a simulated minute, let the compressors take the next chunks.
    else if (writer.writing) await new Promise((r) => setImmediate(r));
  }
  sortTruth(activity);
  const archive = await writer.finish();
  log.info('simulated', { orchestrators: world.orchestrators.length, gateways: world.gateways.length, demand: world.demand, sessions: activity.sessions.length, events: archive.events, simulate_ms: Date.now() - started, rss_mb: process.memoryUsage().rss >> 20, from: new Date(world.window.from).toISOString(), to: new Date(world.window.to).toISOString() });
  const plan = planProtocol(world, ledger);
  await writeTruth(opts.dir, world, activity, plan);
  const stops: (() => Promise<void>)[] = [];
  try {
    const chain = await startChain(world, plan);
    stops.push(chain.stop);
    // The subgraph reports itself synced to the chain head, as a healthy graph-node does.
    const head = await chain.anvilRpc<{ number: string; hash: string; timestamp: string }>('eth_getBlockByNumber', ['latest', false]);
    const subgraph = await startSubgraph(chain.logs, { head: { number: Number(head.number), hash: head.hash, timestamp: Number(head.timestamp) } });
    stops.push(subgraph.stop);
    const naap = await startNaap(world, activity);
    stops.push(naap.stop);
    const leaderboard = await startLeaderboard(world);
    stops.push(leaderboard.stop);
    const prometheus = await startPrometheus(world, series.series());
    stops.push(prometheus.stop);
    // The gateway's clock runs from the simulated mid-morning, like the runner's.
    const gwStart = Date.now();
    const gateway = await startReferenceGateway(world, { now: () => world.window.from + 9 * 3_600_000 + (Date.now() - gwStart) });
    stops.push(gateway.stop);
    await runEmbeddedLoadTests(world, gateway.url, loadtestDir, log);
    const endpoints: Endpoints = {
      gatewayEvents: archiveDir,
      naap: naap.url,
      prometheus: prometheus.url,
      subgraph: subgraph.url,
      rpc: chain.rpcUrl,
      leaderboard: leaderboard.url,
      aiLeaderboard: leaderboard.url,
      loadtests: loadtestDir,
      regions: await writeRegionRules(join(opts.dir, 'reference'), world),
    };
    log.info('embedded network ready', { ...endpoints, startup_ms: Date.now() - started, rss_mb: process.memoryUsage().rss >> 20 });
    return {
      world,
      activity,
      plan,
      chain,
      archive,
      endpoints,
      referenceGateway: gateway.url,
      settings: { chainStartBlock: 0 },
      dir: opts.dir,
      async stop() {
        for (const s of stops.reverse()) await s();
      },
    };
  } catch (err) {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    throw err;
  }
}
