// Families that share the gateway topics without being modelled: Daydream's API request log and
// client WebRTC stats on network_events, and now and then a runner event forwarded under a
// queue_event_type nobody documents. The connector must keep them, not quarantine them (§2.2).
//
// pipelines_api_request and webrtc_stats are written by Daydream's own services, whose code is not
// public: only their names, topic and volume are known (NaaP's topic inspector counts them beside the
// seven gateway families). Their payloads here are placeholders in the envelope every producer on
// these topics uses; nothing downstream reads them.
import type { Rng } from '../lib/rng.ts';
import type { SessionTruth } from './activity.ts';
import type { EventSink } from './sessions.ts';
import type { Gateway } from './world.ts';

/** Share of sessions whose runner forwards one event under an undocumented queue_event_type. */
const UNKNOWN_TYPE_P = 0.01;
const STATUS_POLL_MS = 30_000;
const WEBRTC_STATS_MS = 20_000;

export function appEvents(rng: Rng, sink: EventSink, g: Gateway, s: SessionTruth): void {
  const end = s.endMs;
  if (g.org === 'daydream') {
    // The app creates the stream through the API, then polls its status for a while.
    const create = Math.max(0, s.startMs - rng.int(100, 600));
    sink.emit('pipelines_api_request', create, g, { method: 'POST', route: '/v1/streams', status_code: 201, duration_ms: rng.int(80, 900), timestamp: create });
    for (let t = s.startMs + STATUS_POLL_MS, i = 0; t < end && i < 4; t += STATUS_POLL_MS, i++) {
      sink.emit('pipelines_api_request', t, g, { method: 'GET', route: '/v1/streams/{id}/status', status_code: 200, duration_ms: rng.int(10, 120), timestamp: t });
    }
    if (s.startupSuccess && s.startupLatencyMs !== null) {
      for (let t = s.startMs + s.startupLatencyMs + WEBRTC_STATS_MS; t < end; t += WEBRTC_STATS_MS) {
        sink.emit('webrtc_stats', t, g, { stream_id: s.streamId, timestamp: t, stats: { jitter: Math.round(Math.abs(rng.normal(6, 4)) * 10) / 10, packets_lost: rng.int(0, 3), frames_per_second: rng.int(14, 24) } });
      }
    }
  }
  // go-livepeer forwards a runner event under whatever queue_event_type the runner names
  // (server/ai_live_video.go startEventsSubscribe), adding the stream's ids.
  if (s.orchestrator && rng.chance(UNKNOWN_TYPE_P)) {
    const t = s.startMs + rng.int(1_000, Math.max(1_001, end - s.startMs));
    sink.emit('runner_custom_metrics', t, g, { type: 'metrics', queue_depth: rng.int(0, 8), stream_id: s.streamId, request_id: s.requestId, pipeline_id: '' });
  }
}
