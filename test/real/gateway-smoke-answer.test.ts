// KNOWN DEFECT (it.fails until the reference gateway and the live load-test metric are changed):
// go-livepeer's SmokeTestLiveVideo (server/ai_mediaserver.go) starts ffmpeg pushing a test card to
// stream_url and answers 200 at once; whether the stream then reaches an orchestrator is only
// logged, never answered, and no orchestrator is named. The reference gateway instead waits a
// simulated startup and answers 500 ("no processed segments") for some streams, with an
// x-livepeer-orchestrator header, so live smoke-test outcomes per orchestrator measure something
// go-livepeer does not report. Correct: every well-formed smoke test is a 200 without orchestrator.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ORCHESTRATOR_HEADER, SMOKE_TEST_PATH, startReferenceGateway } from '../../network/gateway.ts';
import type { PeerServer } from '../../network/http-server.ts';
import { createWorld } from '../../network/world.ts';

let gateway: PeerServer;

beforeAll(async () => {
  gateway = await startReferenceGateway(createWorld({ seed: 'real-gateway', scale: 1 }), { busyP: 0, timeScale: 1000 });
});

afterAll(async () => {
  await gateway?.stop();
});

it.fails('answers every well-formed smoke test 200 as soon as the stream is started, naming no orchestrator', async () => {
  const replies: [number, string | null][] = [];
  for (let i = 0; i < 8; i++) {
    const r = await fetch(`${gateway.url}${SMOKE_TEST_PATH}`, { method: 'PUT', body: JSON.stringify({ stream_url: `rtmp://127.0.0.1/live/real-${i}`, duration_secs: 10 }) });
    replies.push([r.status, r.headers.get(ORCHESTRATOR_HEADER)]);
  }
  expect(replies).toEqual(Array.from({ length: 8 }, () => [200, null]));
});
