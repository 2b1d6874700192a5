// Executes a plan against a gateway and writes a bundle: per-request records and a run manifest
// (plan id and sha256, runner and gateway versions, vantage region, clock offset, input hashes,
// start and end, record count and sha256, summary). Stopping early (Ctrl-C) leaves a valid bundle
// marked partial.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { progress, type Logger } from '../../lib/log.ts';
import { classify, inputBytes, type LoadedPlan } from './plan.ts';
import { summarise, type RequestRecord } from './summary.ts';

export const BUNDLE_FORMAT = 'lpdata-loadtest-bundle/1';
export const RUNNER = { name: 'lpdata-loadtest', version: '1.0.0' };

export interface RunOptions {
  gateway: string;
  /** Folder that receives runs/<run_id>/. */
  out: string;
  vantageRegion: string;
  log: Logger;
  /** Milliseconds since the epoch; the embedded network passes a clock anchored in its simulated day. */
  now?: () => number;
  signal?: AbortSignal;
}

export interface RunResult {
  runId: string;
  dir: string;
  status: 'complete' | 'partial';
  records: RequestRecord[];
}

function fill(value: unknown, vars: Record<string, string | number>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return value.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/** Fails before anything is sent when the gateway does not answer at all. */
async function reach(gateway: string, now: () => number): Promise<{ version: string; offsetMs: number }> {
  try {
    const res = await fetch(gateway, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    const server = res.headers.get('server') ?? '';
    const date = res.headers.get('date');
    // Gateway clock minus ours, to the second the Date header carries.
    return { version: server.replace(/^go-livepeer\//, '') || 'unknown', offsetMs: date ? Date.parse(date) - Math.floor(now() / 1000) * 1000 : 0 };
  } catch (err) {
    throw new UserError(`gateway ${gateway} is unreachable (${err instanceof Error ? err.message : String(err)}); nothing was sent`, 'check --gateway: the URL of a go-livepeer gateway\'s HTTP port, e.g. http://127.0.0.1:8935');
  }
}

export async function runPlan(loaded: LoadedPlan, opts: RunOptions): Promise<RunResult> {
  const { plan } = loaded;
  const now = opts.now ?? Date.now;
  const gw = await reach(opts.gateway, now);
  const started = now();
  const runId = `${plan.id}-${new Date(started).toISOString().replace(/[-:]/g, '').slice(0, 15)}z-${opts.vantageRegion.toLowerCase()}-${sha256(`${loaded.sha256}/${started}/${opts.vantageRegion}`).slice(0, 6)}`;
  const base = opts.gateway.replace(/\/$/, '');
  const records: RequestRecord[] = new Array(plan.arrival.count);
  const bar = progress(opts.log.child({ run_id: runId }), `loadtest ${plan.id}`, plan.arrival.count);
  let next = 0;
  const send = async (seq: number, scheduled: number) => {
    const texts = plan.inputs.items.filter((i) => typeof i.text === 'string');
    const input = texts.length ? texts[seq % texts.length]! : plan.inputs.items[seq % plan.inputs.items.length]!;
    const fields = fill(plan.request.body, { input: input.text ?? '', model: plan.workflow.model, seed: plan.seed + seq }) as Record<string, unknown>;
    let body: string | FormData;
    if (plan.request.content_type === 'multipart/form-data') {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      for (const f of plan.request.files ?? []) {
        const media = plan.inputs.items.find((i) => i.id === f.input)!;
        form.append(f.field, new Blob([new Uint8Array(inputBytes(media))], { type: media.media_type ?? 'application/octet-stream' }), media.file);
      }
      body = form;
    } else body = JSON.stringify(fields);
    // Multipart requests let fetch set the content type (it carries the boundary).
    const headers: Record<string, string> = plan.request.content_type === 'application/json' ? { 'content-type': 'application/json' } : {};
    const sent = now();
    let status: number | null = null;
    let text = '';
    let ttfb: number | null = null;
    let completed: number | null = null;
    let error: 'timeout' | 'network' | null = null;
    let message: string | null = null;
    let orchestrator: string | null = null;
    try {
      const res = await fetch(base + plan.request.endpoint, { method: plan.request.method, headers, body, signal: AbortSignal.timeout(plan.timeout_ms) });
      ttfb = now() - sent;
      status = res.status;
      orchestrator = res.headers.get('x-livepeer-orchestrator');
      text = await res.text();
      completed = now();
      if (!res.ok) message = text.slice(0, 300);
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      error = timedOut ? 'timeout' : 'network';
      message = err instanceof Error ? err.message : String(err);
    }
    const outcome = classify(plan.outcomes, { status, body: text, error });
    records[seq] = {
      run_id: runId,
      seq,
      scheduled_at_ms: scheduled,
      sent_at_ms: sent,
      ttfb_ms: ttfb,
      completed_at_ms: completed,
      http_status: status,
      outcome,
      error: message,
      orchestrator,
      pipeline: plan.workflow.pipeline,
      model: plan.workflow.model,
      input_sha256: input.sha256,
      // Only the hash of what came back is kept: responses can hold generated media or text.
      response_sha256: status !== null && status < 300 ? sha256(text) : null,
    };
    bar.tick();
  };
  if (plan.arrival.mode === 'concurrency') {
    const worker = async () => {
      while (next < plan.arrival.count && !opts.signal?.aborted) {
        const seq = next++;
        await send(seq, now());
      }
    };
    await Promise.all(Array.from({ length: plan.arrival.concurrency }, worker));
  } else {
    const interval = 1000 / plan.arrival.per_second;
    const inflight: Promise<void>[] = [];
    for (let seq = 0; seq < plan.arrival.count && !opts.signal?.aborted; seq++) {
      const scheduled = started + seq * interval;
      const wait = scheduled - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (opts.signal?.aborted) break;
      inflight.push(send(seq, scheduled));
    }
    await Promise.all(inflight);
  }
  const done = records.filter(Boolean);
  const status = done.length === plan.arrival.count ? 'complete' : 'partial';
  bar.end({ status });
  const body = done.map((r) => JSON.stringify(r)).join('\n') + (done.length ? '\n' : '');
  const manifest = {
    format: BUNDLE_FORMAT,
    run_id: runId,
    status,
    plan: { id: plan.id, version: plan.version, sha256: loaded.sha256, pipeline: plan.workflow.pipeline, model: plan.workflow.model, requests: plan.arrival.count },
    runner: RUNNER,
    gateway: { version: gw.version },
    vantage_region: opts.vantageRegion,
    clock_offset_ms: gw.offsetMs,
    inputs: plan.inputs.items.map((i) => ({ pool_id: `${plan.inputs.pool}/${i.id}`, sha256: i.sha256 })),
    started_at: new Date(started).toISOString(),
    ended_at: new Date(now()).toISOString(),
    records: { file: 'requests.ndjson', count: done.length, sha256: sha256(body), line_sha256: done.map((r) => sha256(JSON.stringify(r))) },
    summary: summarise(done),
  };
  const dir = join(opts.out, 'runs', runId);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'requests.ndjson'), body);
  await writeFile(join(tmp, 'manifest.json'), stableJson(manifest) + '\n');
  await rename(tmp, dir);
  opts.log.info('load test finished', { run_id: runId, status, requests: done.length, success_rate: manifest.summary.success_rate, bundle: dir });
  return { runId, dir, status, records: done };
}
