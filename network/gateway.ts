// The embedded reference gateway: the AI endpoints of a go-livepeer gateway (POST /<pipeline> with
// a JSON body), answered on behalf of the simulated orchestrators with their latency and failure
// behaviour. The outcome of a request depends only on its body, so the same plan and seed always
// meet the same outcomes; latencies are real waits, scaled down so a plan runs in seconds.
import { createHash } from 'node:crypto';
import { Rng } from '../lib/rng.ts';
import { startHttpServer, text, type Reply } from './http-server.ts';
import type { World } from './world.ts';

export const GATEWAY_VERSION = '0.8.9-embedded';
/** The reference gateway names the orchestrator that served a request in this header. */
export const ORCHESTRATOR_HEADER = 'x-livepeer-orchestrator';
/** go-livepeer's live-video smoke test (liveai.openapi.yaml): PUT {stream_url, duration_secs}. */
export const SMOKE_TEST_PATH = '/live/video-to-video/smoketest';
const MAX_SMOKE_TEST_SECS = 3600;

export interface GatewayOptions {
  /** Simulated latency is divided by this before waiting (default 20: 2 s becomes 100 ms). */
  timeScale?: number;
  /** Share of requests refused as busy (503), before the orchestrator's own failure rate. */
  busyP?: number;
  /** The gateway's clock for its Date header; the embedded network runs it on simulated time. */
  now?: () => number;
}

export async function startReferenceGateway(world: World, opts: GatewayOptions = {}) {
  const now = opts.now ?? Date.now;
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
    status,
    headers: { 'content-type': 'application/json', server: `go-livepeer/${GATEWAY_VERSION}`, date: new Date(now()).toUTCString(), ...headers },
    body: JSON.stringify(body),
  });
  // http.Error: plain text and a newline.
  const httpError = (status: number, message: string): Reply => text(status, `${message}\n`, { server: `go-livepeer/${GATEWAY_VERSION}`, date: new Date(now()).toUTCString() });
  const scale = opts.timeScale ?? 20;
  const busyP = opts.busyP ?? 0.05;
  const served = new Set(world.workflows.filter((w) => !w.live).map((w) => w.pipeline));
  return startHttpServer(async (req) => {
    const pipeline = req.url.pathname.replace(/^\//, '');
    if (req.method === 'GET' && req.url.pathname === '/') return { status: 200, headers: { server: `go-livepeer/${GATEWAY_VERSION}`, date: new Date(now()).toUTCString() }, body: 'livepeer embedded reference gateway\n' };
    if (req.url.pathname === SMOKE_TEST_PATH) return req.method === 'PUT' ? smokeTest(req.body) : httpError(405, 'Method not allowed');
    if (req.method !== 'POST' || !served.has(pipeline)) return json(404, { error: { message: `no AI endpoint ${req.method} ${req.url.pathname}` } });
    const parsed = await readRequest(req.headers['content-type'] ?? '', req.bytes);
    if ('error' in parsed) return json(400, { error: { message: parsed.error } });
    const model = String(parsed.fields.model_id ?? parsed.fields.model ?? '');
    const candidates = world.orchestrators.filter((o) => o.workflows.some((w) => w.pipeline === pipeline && w.model === model));
    if (candidates.length === 0) return json(503, { error: { message: `no orchestrators available for ${pipeline}/${model}` } });
    // Seeded by the request's content, so a repeated request meets the same orchestrator and outcome.
    const rng = new Rng(`${world.options.seed}/gateway/${parsed.key}`);
    if (rng.chance(busyP)) return json(503, { error: { message: 'insufficient capacity' } });
    const o = rng.pick(candidates);
    const latency = Math.max(100, rng.normal(o.behaviour.batchLatencyMs, o.behaviour.batchLatencyMs * 0.2));
    await new Promise((r) => setTimeout(r, latency / scale));
    const headers = { [ORCHESTRATOR_HEADER]: o.address };
    if (rng.chance(o.behaviour.batchFailP)) return json(500, { error: { message: 'runner returned 500: inference error' } }, headers);
    if (pipeline === 'llm') {
      return json(200, { choices: [{ index: 0, message: { role: 'assistant', content: `answer ${rng.hex(8)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 } }, headers);
    }
    if (pipeline === 'audio-to-text') return json(200, { text: `transcript ${rng.hex(8)}`, chunks: [] }, headers);
    return json(200, { images: [{ url: `data:image/png;base64,${Buffer.from(rng.hex(48)).toString('base64')}`, seed: parsed.fields.seed ?? 0, nsfw: false }] }, headers);
  });

  /** The live-video smoke test: one simulated stream through an orchestrator serving live video. */
  async function smokeTest(bodyText: string): Promise<Reply> {
    // go-livepeer's SmokeTestLiveVideo (server/ai_mediaserver.go): a body Go cannot decode into
    // {stream_url string, duration_secs int} or an empty stream_url is a 400 in http.Error's plain
    // text; duration_secs may be left out (5 minutes) but not exceed 60 minutes.
    let body: { stream_url?: unknown; duration_secs?: unknown };
    try {
      body = JSON.parse(bodyText) as typeof body;
    } catch {
      return httpError(400, 'Failed to parse request body');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || !['string', 'undefined'].includes(typeof body.stream_url) || !(body.duration_secs === undefined || Number.isInteger(body.duration_secs))) return httpError(400, 'Failed to parse request body');
    if (!body.stream_url) return httpError(400, 'Missing stream url');
    if (Number(body.duration_secs ?? 0) > MAX_SMOKE_TEST_SECS) return httpError(400, 'Request exceeds max duration 1h0m0s');
    const live = world.orchestrators.filter((o) => o.workflows.some((w) => w.live));
    const rng = new Rng(`${world.options.seed}/smoketest/${createHash('sha256').update(bodyText).digest('hex')}`);
    if (live.length === 0 || rng.chance(busyP)) return json(503, { error: { message: 'no orchestrators available' } });
    const o = rng.pick(live);
    const startup = Math.max(300, rng.normal(o.behaviour.startupLatencyMs, o.behaviour.startupLatencyMs * 0.15));
    await new Promise((r) => setTimeout(r, startup / scale));
    const headers = { [ORCHESTRATOR_HEADER]: o.address };
    if (rng.chance(o.behaviour.startupFailP)) return json(500, { error: { message: 'stream did not start: no processed segments' } }, headers);
    return json(200, {}, headers);
  }
}

/** The fields of a JSON or multipart body, and a key that depends only on their content. */
async function readRequest(contentType: string, bytes: Buffer): Promise<{ fields: Record<string, unknown>; key: string } | { error: string }> {
  if (contentType.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://gateway.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(bytes) }).formData();
    } catch {
      return { error: 'request body is not multipart form data' };
    }
    const fields: Record<string, unknown> = {};
    const parts: string[] = [];
    for (const [name, value] of form.entries()) {
      // The boundary differs per request; the content does not, and only it seeds the outcome.
      const v = typeof value === 'string' ? value : createHash('sha256').update(new Uint8Array(await value.arrayBuffer())).digest('hex');
      fields[name] = v;
      parts.push(`${name}=${v}`);
    }
    return { fields, key: createHash('sha256').update(parts.sort().join('\n')).digest('hex') };
  }
  try {
    return { fields: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>, key: createHash('sha256').update(bytes).digest('hex') };
  } catch {
    return { error: 'request body is not JSON' };
  }
}
