// go-livepeer's live-video OpenAPI description (liveai.openapi.yaml) and the AI job tester's batch
// test plans against the routes our load tests call: the committed plans (jobs/loadtest/plans) and
// the reference gateway that answers them (network/gateway.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan, type Plan } from '../../jobs/loadtest/plan.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { SMOKE_TEST_PATH, startReferenceGateway } from '../../network/gateway.ts';
import type { PeerServer } from '../../network/http-server.ts';
import { createWorld } from '../../network/world.ts';
import { realJson, realText } from './harness.ts';

interface Spec {
  paths: Record<string, Record<string, { parameters?: { in: string; schema?: { $ref?: string } }[] }>>;
  definitions: Record<string, { properties: Record<string, { type: string }> }>;
}

const spec = parse(realText('go-livepeer/liveai.openapi.yaml')) as Spec;
const tester = realJson<{ pipelines: { uri: string; contentType: string; byoc?: boolean }[] }>('ai-job-tester/config-ai-batch-pipelines.json').pipelines;
const testerLive = realJson<{ pipelines: { uri: string; live?: boolean }[] }>('ai-job-tester/config-live-video-to-video-pipelines.json').pipelines;
const PLANS = join(REPO_ROOT, 'jobs', 'loadtest', 'plans');
const plans: Plan[] = readdirSync(PLANS).filter((f) => f.endsWith('.yml')).sort().map((f) => loadPlan(join(PLANS, f)).plan);
const livePlans = plans.filter((p) => p.request.endpoint.startsWith('/live/'));

/** The smoke test's body type in the spec: property -> JSON type. */
function smokeTestBody(): Record<string, string> {
  const body = spec.paths[SMOKE_TEST_PATH]?.put?.parameters?.find((p) => p.in === 'body');
  const name = body?.schema?.$ref?.replace('#/definitions/', '') ?? '';
  return Object.fromEntries(Object.entries(spec.definitions[name]?.properties ?? {}).map(([k, v]) => [k, v.type]));
}

let gateway: PeerServer;

beforeAll(async () => {
  gateway = await startReferenceGateway(createWorld({ seed: 'real-gateway', scale: 1 }), { busyP: 0, timeScale: 1000 });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('go-livepeer\'s live-video routes', () => {
  it('are the four the spec lists, the smoke test a PUT of {stream_url, duration_secs}', () => {
    expect(Object.keys(spec.paths).sort()).toEqual(['/live/video-to-video/smoketest', '/live/video-to-video/{stream}/start', '/live/video-to-video/{stream}/status', '/live/video-to-video/{stream}/update']);
    expect(Object.keys(spec.paths[SMOKE_TEST_PATH]!)).toEqual(['put']);
    expect(smokeTestBody()).toEqual({ duration_secs: 'integer', stream_url: 'string' });
  });

  it('are what the live plans call, with a body of the spec\'s types', () => {
    expect(livePlans.length).toBeGreaterThan(0);
    // The job tester's live config names the pipeline the live plans are filed under.
    expect(testerLive.filter((p) => p.live).map((p) => p.uri)).toEqual([...new Set(livePlans.map((p) => p.workflow.pipeline))]);
    const jsonType = (v: unknown) => (Number.isInteger(v) ? 'integer' : typeof v);
    for (const p of livePlans) {
      expect(Object.keys(spec.paths[p.request.endpoint] ?? {}), p.id).toContain(p.request.method.toLowerCase());
      expect(Object.fromEntries(Object.entries(p.request.body).map(([k, v]) => [k, jsonType(v)])), p.id).toEqual(smokeTestBody());
    }
  });

  it('are validated by the reference gateway as go-livepeer validates them', async () => {
    // go-livepeer server/ai_mediaserver.go SmokeTestLiveVideo: PUT only (405), stream_url required,
    // duration_secs optional (5 minutes) up to 60 minutes, errors as plain text.
    const put = (body: string) => fetch(`${gateway.url}${SMOKE_TEST_PATH}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    const statuses = new Set<number>();
    for (let i = 1; i < 8; i++) statuses.add((await put(JSON.stringify({ stream_url: `rtmp://127.0.0.1/live/real-${i}`, duration_secs: 10 }))).status);
    expect([...statuses]).toEqual([200]);
    expect((await put(JSON.stringify({ stream_url: 'rtmp://127.0.0.1/live/real-default-duration' }))).status).toBe(200);
    const bad = await put(JSON.stringify({ duration_secs: 10 }));
    expect([bad.status, await bad.text()]).toEqual([400, 'Missing stream url\n']);
    expect((await put(JSON.stringify({ stream_url: 'rtmp://127.0.0.1/live/x', duration_secs: 3601 }))).status).toBe(400);
    expect((await put(JSON.stringify({ stream_url: 'rtmp://127.0.0.1/live/x', duration_secs: '10' }))).status).toBe(400);
    expect((await put('not json')).status).toBe(400);
    expect((await fetch(`${gateway.url}${SMOKE_TEST_PATH}`)).status).toBe(405);
  });
});

describe('the job tester\'s batch routes', () => {
  it('include every batch route a committed plan calls, with the same content type', () => {
    const routes = new Map(tester.filter((p) => !p.byoc).map((p) => [`/${p.uri}`, p.contentType]));
    const batch = plans.filter((p) => !livePlans.includes(p));
    expect(batch.length).toBeGreaterThan(0);
    for (const p of batch) {
      expect(routes.get(p.request.endpoint), p.id).toBe(p.request.content_type);
      expect(p.request.endpoint).toBe(`/${p.workflow.pipeline}`);
    }
  });
});
