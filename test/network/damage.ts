// What the archive writer's broken lines took away from a network's data: the sessions they
// belonged to and the status samples lost. The network keeps no events, so the same world
// simulates them again (small worlds only).
import type { SessionTruth } from '../../network/activity.ts';
import type { EmbeddedNetwork } from '../../network/index.ts';
import { simulate } from '../../network/simulate.ts';

export function archiveDamage(n: EmbeddedNetwork): { sessions: SessionTruth[]; lostSamples: Map<string, { t: number; fps: number }[]> } {
  const { events } = simulate(n.world);
  const lines = events.map((e) => JSON.stringify(e));
  const keys = new Set<string>();
  const lostSamples = new Map<string, { t: number; fps: number }[]>();
  for (const b of n.archive.broken) {
    let id: string | undefined;
    try {
      id = (JSON.parse(b.line) as { id?: string }).id;
    } catch {
      id = events[lines.findIndex((l) => l.startsWith(b.line))]?.id;
    }
    const e = events.find((x) => x.id === id);
    const d = e?.data as { stream_id?: string; request_id?: string } | undefined;
    if (!d?.stream_id) continue;
    keys.add(`${d.stream_id}|${d.request_id}`);
    if (e!.type === 'ai_stream_status') {
      const sample = d as { timestamp: number; inference_status: { fps: number } };
      const list = lostSamples.get(`${d.stream_id}|${d.request_id}`) ?? [];
      list.push({ t: sample.timestamp, fps: sample.inference_status.fps });
      lostSamples.set(`${d.stream_id}|${d.request_id}`, list);
    }
  }
  return { sessions: n.activity.sessions.filter((s) => keys.has(`${s.streamId}|${s.requestId}`)), lostSamples };
}
