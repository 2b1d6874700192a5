// Activity for Prometheus tests: hand-made sessions plus the payments, swaps and capability polls
// the gateway series are built from.
import { Rng } from '../../lib/rng.ts';
import { ms } from '../../lib/time.ts';
import type { Activity, Envelope, Payment } from '../../network/activity.ts';
import { capabilityEntry } from '../../network/capabilities.ts';
import type { World } from '../../network/world.ts';
import { bulkActivity } from '../naap/truth.ts';

export function gatewayActivity(world: World, perDay: number): Activity {
  const base = bulkActivity(world, perDay, 'prometheus');
  const rng = new Rng('prometheus-extra');
  const payments: Payment[] = [];
  const events: Envelope[] = [];
  for (const s of base.sessions) {
    const o = world.orchestrators.find((x) => x.address === s.orchestrator);
    const g = world.gateways[s.gatewayIndex]!;
    if (!o) continue;
    payments.push({ atMs: ms(s.startMs + 500), gatewayIndex: g.index, sender: g.address, recipient: o.address, orchUri: o.serviceUri, manifestId: `35_${s.model}`, pipeline: s.pipeline, model: s.model, attribution: 'manifest', faceValueWei: BigInt(rng.int(2, 30)) * 10n ** 15n, winProb: 0.02, numTickets: rng.int(1, 3), winningTickets: 0 });
    if (s.swapsConfirmed > 0) {
      events.push({ id: rng.uuid(), type: 'stream_trace', timestamp: String(s.startMs + 60_000), gateway: g.host, data: { type: 'orchestrator_swap', stream_id: s.streamId, request_id: s.requestId, pipeline_id: '', pipeline: s.model, message: 'timeout waiting for events', orchestrator_info: { address: o.hotWallet, url: o.serviceUri } } });
    }
  }
  for (const g of world.gateways) {
    for (let t = world.window.from + 60_000 * (g.index + 1); t < world.window.to; t += 25 * 60_000) {
      const inUse = new Map(world.orchestrators.map((o) => [`${o.address}|${o.workflows[0]!.model}`, rng.int(0, 1)]));
      events.push({ id: rng.uuid(), type: 'network_capabilities', timestamp: String(t), gateway: g.host, data: world.orchestrators.map((o) => capabilityEntry(o, inUse)) });
    }
  }
  events.sort((a, b) => Number(a.timestamp) - Number(b.timestamp));
  return { ...base, events, eventOrgs: events.map(() => 'daydream' as const), payments };
}
