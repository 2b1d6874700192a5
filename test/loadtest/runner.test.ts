// Load tests against the embedded reference gateway: reproducible outcomes, verifiable bundles,
// plans that fail before sending anything, and a stop that leaves a valid partial bundle.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadPlan } from '../../jobs/loadtest/plan.ts';
import { runPlan } from '../../jobs/loadtest/runner.ts';
import { verifyBundle } from '../../jobs/loadtest/verify.ts';
import { logger } from '../../lib/log.ts';
import { startReferenceGateway } from '../../network/gateway.ts';
import { createWorld } from '../../network/world.ts';

const log = logger({ test: 'loadtest' });
const PLAN = join(import.meta.dirname, '../../jobs/loadtest/plans/text-to-image-smoke.yml');
let gateway: Awaited<ReturnType<typeof startReferenceGateway>>;
let root: string;

beforeAll(async () => {
  gateway = await startReferenceGateway(createWorld({ seed: 'loadtest-test', scale: 1 }));
  root = await mkdtemp(join(tmpdir(), 'lp-loadtest-'));
});
afterAll(async () => {
  await gateway.stop();
  await rm(root, { recursive: true, force: true });
});

describe('load-test runs', () => {
  it('repeat: the same plan and seed give the same outcome classes and counts, and latency percentiles within 60 ms + 30 %', async () => {
    const plan = loadPlan(PLAN);
    const a = await runPlan(plan, { gateway: gateway.url, out: join(root, 'a'), vantageRegion: 'FRA', log });
    const b = await runPlan(plan, { gateway: gateway.url, out: join(root, 'b'), vantageRegion: 'FRA', log });
    expect(a.records).toHaveLength(40);
    expect(b.records.map((r) => [r.seq, r.outcome, r.orchestrator])).toEqual(a.records.map((r) => [r.seq, r.outcome, r.orchestrator]));
    expect(new Set(a.records.map((r) => r.outcome)).size).toBeGreaterThan(1);
    const sa = JSON.parse(await readFile(join(a.dir, 'manifest.json'), 'utf8')).summary;
    const sb = JSON.parse(await readFile(join(b.dir, 'manifest.json'), 'utf8')).summary;
    expect(sb.outcomes).toEqual(sa.outcomes);
    for (const k of ['latency_p50_ms', 'latency_p95_ms']) expect(Math.abs(sb[k] - sa[k]), k).toBeLessThanOrEqual(60 + 0.3 * sa[k]);
  }, 60_000);

  it('verify passes on a fresh bundle and names the record or summary field that was altered', async () => {
    const r = await runPlan(loadPlan(PLAN), { gateway: gateway.url, out: join(root, 'v'), vantageRegion: 'LAX', log });
    expect(verifyBundle(r.dir)).toMatchObject({ ok: true, problems: [] });
    const file = join(r.dir, 'requests.ndjson');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const edited = JSON.parse(lines[6]!);
    edited.outcome = edited.outcome === 'passed' ? 'failed' : 'passed';
    lines[6] = JSON.stringify(edited);
    await writeFile(file, lines.join('\n'));
    const bad = verifyBundle(r.dir);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toContain(`record 7 (seq ${edited.seq}) does not match its hash`);
    const mf = join(r.dir, 'manifest.json');
    const original = (await readFile(file, 'utf8')).split('\n');
    original[6] = JSON.stringify({ ...edited, outcome: edited.outcome === 'passed' ? 'failed' : 'passed' });
    await writeFile(file, original.join('\n'));
    const manifest = JSON.parse(await readFile(mf, 'utf8'));
    manifest.summary.latency_p50_ms += 1;
    await writeFile(mf, JSON.stringify(manifest));
    expect(verifyBundle(r.dir).problems.some((p) => p.startsWith('summary.latency_p50_ms'))).toBe(true);
  }, 60_000);

  it('a stop part-way leaves a valid bundle marked partial', async () => {
    const controller = new AbortController();
    const started = gateway.log.length;
    setTimeout(() => controller.abort(), 150);
    const r = await runPlan(loadPlan(PLAN), { gateway: gateway.url, out: join(root, 'p'), vantageRegion: 'MDW', log, signal: controller.signal });
    expect(r.status).toBe('partial');
    expect(r.records.length).toBeGreaterThan(0);
    expect(r.records.length).toBeLessThan(40);
    expect(gateway.log.length - started - 1).toBe(r.records.length);
    expect(verifyBundle(r.dir).ok).toBe(true);
    expect(JSON.parse(await readFile(join(r.dir, 'manifest.json'), 'utf8')).status).toBe('partial');
  }, 60_000);
});

describe('media and live-video plans', () => {
  it('send multipart requests with the content-addressed image, and repeat outcomes although each boundary differs', async () => {
    const plan = loadPlan(join(import.meta.dirname, '../../jobs/loadtest/plans/image-to-image-smoke.yml'));
    const a = await runPlan(plan, { gateway: gateway.url, out: join(root, 'mm-a'), vantageRegion: 'FRA', log });
    const b = await runPlan(plan, { gateway: gateway.url, out: join(root, 'mm-b'), vantageRegion: 'FRA', log });
    expect(a.records.filter((r) => r.outcome === 'passed').length).toBeGreaterThan(10);
    expect(b.records.map((r) => [r.outcome, r.orchestrator])).toEqual(a.records.map((r) => [r.outcome, r.orchestrator]));
  }, 60_000);

  it('run the live-video smoke test through PUT, with the orchestrator the gateway reports', async () => {
    const r = await runPlan(loadPlan(join(import.meta.dirname, '../../jobs/loadtest/plans/live-video-smoke.yml')), { gateway: gateway.url, out: join(root, 'smoke'), vantageRegion: 'LAX', log });
    expect(r.records).toHaveLength(6);
    for (const rec of r.records.filter((x) => x.http_status === 200)) expect(rec.orchestrator).toMatch(/^0x[0-9a-f]{40}$/);
    expect(verifyBundle(r.dir).ok).toBe(true);
  }, 60_000);
});

describe('bad plans and gateways fail before anything is sent', () => {
  it('names a media input whose file does not match its hash, or lies outside the inputs folder', async () => {
    const mm = parse(await readFile(join(import.meta.dirname, '../../jobs/loadtest/plans/image-to-image-smoke.yml'), 'utf8'));
    mm.inputs.items[1].sha256 = '0'.repeat(64);
    const wrong = join(root, 'mm-wrong.yml');
    await writeFile(wrong, stringify(mm));
    expect(() => loadPlan(wrong)).toThrow(/input image-0 does not match its sha256/);
    mm.inputs.items[1].file = '../plans/llm-smoke.yml';
    await writeFile(wrong, stringify(mm));
    expect(() => loadPlan(wrong)).toThrow(/not a file under jobs\/loadtest\/inputs/);
  });

  async function variant(edit: (p: Record<string, any>) => void): Promise<string> {
    const p = parse(await readFile(PLAN, 'utf8'));
    edit(p);
    const path = join(root, `plan-${Math.random().toString(36).slice(2)}.yml`);
    await writeFile(path, stringify(p));
    return path;
  }

  it('names an unknown field', async () => {
    const path = await variant((p) => (p.request.retries = 3));
    expect(() => loadPlan(path)).toThrow(/unknown field "request.retries"/);
  });

  it('names an input without its hash, and one whose hash is wrong', async () => {
    const missing = await variant((p) => delete p.inputs.items[1].sha256);
    expect(() => loadPlan(missing)).toThrow(/input prompt-1 has no sha256/);
    const wrong = await variant((p) => (p.inputs.items[0].text = 'a different bear'));
    expect(() => loadPlan(wrong)).toThrow(/input prompt-0 does not match its sha256/);
  });

  it('names an unreachable gateway and sends nothing', async () => {
    const before = gateway.log.length;
    await expect(runPlan(loadPlan(PLAN), { gateway: 'http://127.0.0.1:9', out: join(root, 'x'), vantageRegion: 'FRA', log })).rejects.toThrow(/gateway http:\/\/127.0.0.1:9 is unreachable .*nothing was sent/);
    expect(gateway.log.length).toBe(before);
  });
});
