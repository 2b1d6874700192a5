// Sizes the embedded network for a wanted number of gateway events a day (`--events-per-day`).
//
// Events a day are, in expectation, a sum over gateways: each gateway's share of the live sessions
// and batch requests times the events one of them makes (a live session's events depend on its
// org: Daydream sessions add the app's API requests and WebRTC stats), plus its capability polls
// (one every 25 min) and, on Daydream gateways, the Scope/app noise (one every 15 min). The events
// per session below were measured on the simulator itself (a 2-day window at scale 7, seed
// livepeer-embedded-1); test/network/calibrate.test.ts checks the result stays within 10 %.
//
// The network grows with the volume up to today's size (scale 7: 84 AI orchestrators); past that,
// more volume means more sessions per orchestrator, as on the real network, whose ~4.6 M events a
// day come from about as many orchestrators as scale 7 has, not from six times more.
import { DAY_MS } from '../lib/time.ts';
import { BATCH_REQUESTS_PER_DAY, CAPABILITY_POLL_MS, LIVE_SESSIONS_PER_DAY, NOISE_GAP_MS } from './simulate.ts';
import type { World } from './world.ts';

/** Mean events of one live session (its app events included), by the org of its gateway. */
const EVENTS_PER_SESSION = { daydream: 90, cloudspe: 76 } as const;
/** A batch request makes one event: its payment. */
const EVENTS_PER_BATCH = 1;
/** Today's network: the largest size volume alone grows the network to. */
const TODAYS_SCALE = 7;
/** Events a day per unit of scale at demand 1 (scale 7 made 857 k a day), to size smaller networks. */
const EVENTS_AT_SCALE_1 = 120_000;

/** The scale for a volume when only the volume is given. */
export function scaleFor(eventsPerDay: number): number {
  return Math.min(TODAYS_SCALE, Math.max(0.25, eventsPerDay / EVENTS_AT_SCALE_1));
}

/** The demand (sessions and batch requests per orchestrator, relative to 1) that makes `eventsPerDay`. */
export function demandFor(world: Pick<World, 'gateways' | 'options'>, eventsPerDay: number): number {
  const totalWeight = world.gateways.reduce((s, g) => s + g.weight, 0);
  let perDemand = 0;
  let fixed = 0;
  for (const g of world.gateways) {
    const share = g.weight / totalWeight;
    perDemand += world.options.scale * share * (LIVE_SESSIONS_PER_DAY * EVENTS_PER_SESSION[g.org] + BATCH_REQUESTS_PER_DAY * EVENTS_PER_BATCH);
    // Polls and noise do not grow with demand.
    fixed += DAY_MS / CAPABILITY_POLL_MS + (g.org === 'daydream' ? DAY_MS / NOISE_GAP_MS : 0);
  }
  return Math.max(0.01, (eventsPerDay - fixed) / perDemand);
}
