// The versioned test-plan format (`lpdata-loadtest-plan/1`): what to send, to which endpoint, with
// which content-addressed inputs, at what pace, and how each reply is classed. Plans are strict:
// an unknown field or an input whose hash does not match fails before anything is sent.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';
import { parse } from 'yaml';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { OUTCOMES, type Outcome } from './summary.ts';

export const PLAN_FORMAT = 'lpdata-loadtest-plan/1';

export interface PlanInput {
  id: string;
  sha256: string;
  /** Text inputs (prompts) inline; their sha256 is of the UTF-8 text. */
  text?: string;
  /** Media inputs: a file under jobs/loadtest/inputs/, named in the plan and checked by its sha256. */
  file?: string;
  media_type?: string;
}

/** Where media inputs live; plans name files relative to it. */
export const INPUTS_DIR = join(REPO_ROOT, 'jobs', 'loadtest', 'inputs');

export interface OutcomeRule {
  class: Outcome;
  when: { status?: number[]; body_contains?: string; error?: 'timeout' | 'network' };
}

export interface Plan {
  format: string;
  id: string;
  version: number;
  description: string;
  workflow: { pipeline: string; model: string };
  request: {
    endpoint: string;
    method: 'POST' | 'PUT';
    content_type: 'application/json' | 'multipart/form-data';
    /** JSON body, or the text fields of a multipart body. */
    body: Record<string, unknown>;
    /** Multipart only: form fields that carry a media input's bytes. */
    files?: { field: string; input: string }[];
  };
  inputs: { pool: string; items: PlanInput[] };
  seed: number;
  arrival: { mode: 'concurrency'; concurrency: number; count: number } | { mode: 'rate'; per_second: number; count: number };
  timeout_ms: number;
  outcomes: OutcomeRule[];
}

export interface LoadedPlan {
  plan: Plan;
  /** sha256 of the plan in canonical JSON: the same plan always has the same hash, whatever its YAML layout. */
  sha256: string;
  path: string;
}

const SHAPE: Record<string, readonly string[]> = {
  '': ['format', 'id', 'version', 'description', 'workflow', 'request', 'inputs', 'seed', 'arrival', 'timeout_ms', 'outcomes'],
  workflow: ['pipeline', 'model'],
  request: ['endpoint', 'method', 'content_type', 'body', 'files'],
  inputs: ['pool', 'items'],
  'inputs.items[]': ['id', 'sha256', 'text', 'file', 'media_type'],
  'request.files[]': ['field', 'input'],
  arrival: ['mode', 'concurrency', 'per_second', 'count'],
  'outcomes[]': ['class', 'when'],
  'outcomes[].when': ['status', 'body_contains', 'error'],
};

function unknownFields(value: Record<string, unknown>, at: string, path: string): void {
  const allowed = SHAPE[at];
  if (!allowed) return;
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new UserError(`plan ${path}: unknown field "${at ? `${at}.` : ''}${k}"`, `remove it; allowed here: ${allowed.join(', ')}`);
  }
}

function need(cond: unknown, path: string, what: string, fix: string): asserts cond {
  if (!cond) throw new UserError(`plan ${path}: ${what}`, fix);
}

export function validatePlan(raw: unknown, path: string): Plan {
  need(raw && typeof raw === 'object', path, 'is not a mapping', 'see jobs/loadtest/plans/README.md');
  const p = raw as Plan & Record<string, unknown>;
  unknownFields(p, '', path);
  need(p.format === PLAN_FORMAT, path, `format is "${String(p.format)}"`, `set format: ${PLAN_FORMAT}`);
  need(typeof p.id === 'string' && /^[a-z0-9-]+$/.test(p.id), path, 'id must be lowercase letters, digits and dashes', 'e.g. id: text-to-image-smoke');
  need(Number.isInteger(p.version) && p.version > 0, path, 'version must be a positive integer', 'bump it whenever the plan changes');
  need(p.workflow && typeof p.workflow.pipeline === 'string' && typeof p.workflow.model === 'string', path, 'workflow needs pipeline and model', 'e.g. { pipeline: text-to-image, model: ... }');
  unknownFields(p.workflow as unknown as Record<string, unknown>, 'workflow', path);
  need(p.request && typeof p.request.endpoint === 'string' && p.request.endpoint.startsWith('/'), path, 'request.endpoint must be a gateway path', 'e.g. /text-to-image');
  unknownFields(p.request as unknown as Record<string, unknown>, 'request', path);
  need(['POST', 'PUT'].includes(p.request.method), path, `request.method "${String(p.request.method)}" is not POST or PUT`, 'the gateway\'s AI endpoints take POST; the live smoke test takes PUT');
  need(['application/json', 'multipart/form-data'].includes(p.request.content_type), path, `request.content_type "${String(p.request.content_type)}" is not supported`, 'use application/json or multipart/form-data');
  for (const f of p.request.files ?? []) {
    unknownFields(f as unknown as Record<string, unknown>, 'request.files[]', path);
    need(p.request.content_type === 'multipart/form-data', path, 'request.files needs content_type multipart/form-data', 'send media as multipart form fields');
    need(p.inputs?.items?.some((i) => i.id === f.input && i.file), path, `request.files names input ${f.input}, which is not a media input`, 'list it under inputs.items with file and sha256');
  }
  need(p.inputs && Array.isArray(p.inputs.items) && p.inputs.items.length > 0, path, 'inputs.items is empty', 'list at least one input');
  unknownFields(p.inputs as unknown as Record<string, unknown>, 'inputs', path);
  for (const it of p.inputs.items) {
    unknownFields(it as unknown as Record<string, unknown>, 'inputs.items[]', path);
    need(typeof it.id === 'string', path, 'an input has no id', 'give each input an id');
    need((typeof it.text === 'string') !== (typeof it.file === 'string'), path, `input ${it.id} needs exactly one of text or file`, 'inline a prompt as text, or name a media file under jobs/loadtest/inputs/');
    const content = typeof it.text === 'string' ? Buffer.from(it.text) : inputBytes(it, path);
    need(typeof it.sha256 === 'string' && /^[0-9a-f]{64}$/.test(it.sha256), path, `input ${it.id} has no sha256`, `add sha256: ${sha256(content)}`);
    need(sha256(content) === it.sha256, path, `input ${it.id} does not match its sha256`, 'inputs are content-addressed: fix the content or the hash');
  }
  need(Number.isInteger(p.seed), path, 'seed must be an integer', 'e.g. seed: 42');
  unknownFields(p.arrival as unknown as Record<string, unknown>, 'arrival', path);
  need(
    p.arrival && Number.isInteger(p.arrival.count) && p.arrival.count > 0 && ((p.arrival.mode === 'concurrency' && Number.isInteger(p.arrival.concurrency) && p.arrival.concurrency > 0) || (p.arrival.mode === 'rate' && p.arrival.per_second > 0)),
    path,
    'arrival must be { mode: concurrency, concurrency, count } or { mode: rate, per_second, count }',
    'e.g. { mode: concurrency, concurrency: 4, count: 40 }',
  );
  need(Number.isInteger(p.timeout_ms) && p.timeout_ms > 0, path, 'timeout_ms must be a positive integer', 'e.g. timeout_ms: 10000');
  need(Array.isArray(p.outcomes) && p.outcomes.length > 0, path, 'outcomes has no rules', 'list rules in order; the first match wins');
  for (const r of p.outcomes) {
    unknownFields(r as unknown as Record<string, unknown>, 'outcomes[]', path);
    unknownFields((r.when ?? {}) as Record<string, unknown>, 'outcomes[].when', path);
    need(OUTCOMES.includes(r.class), path, `outcome class "${String(r.class)}" is not one of ${OUTCOMES.join(', ')}`, 'use the AI job tester classes');
  }
  need(Object.keys(p.outcomes[p.outcomes.length - 1]!.when ?? {}).length === 0, path, 'the last outcome rule must match everything', 'end with { class: unscored, when: {} }');
  return p;
}

/** The bytes of a media input (file path relative to INPUTS_DIR, never outside it). */
export function inputBytes(it: PlanInput, path = 'plan'): Buffer {
  const file = resolve(INPUTS_DIR, it.file ?? '');
  if (!file.startsWith(INPUTS_DIR + sep) || !existsSync(file)) throw new UserError(`plan ${path}: input ${it.id} names ${it.file}, which is not a file under jobs/loadtest/inputs/`, 'commit the media file there and name it relative to that folder');
  return readFileSync(file);
}

export function loadPlan(path: string): LoadedPlan {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read plan ${path}: ${err instanceof Error ? err.message : String(err)}`, 'pass the path of a plan YAML file (see jobs/loadtest/plans/)');
  }
  const plan = validatePlan(raw, path);
  return { plan, sha256: sha256(stableJson(plan, 0)), path };
}

/** The class of a reply by the plan's rules, first match wins. */
export function classify(rules: OutcomeRule[], reply: { status: number | null; body: string; error: 'timeout' | 'network' | null }): Outcome {
  for (const r of rules) {
    const w = r.when ?? {};
    if (w.status && (reply.status === null || !w.status.includes(reply.status))) continue;
    if (w.body_contains && !reply.body.includes(w.body_contains)) continue;
    if (w.error && reply.error !== w.error) continue;
    if (!w.status && !w.error && reply.error !== null && Object.keys(w).length > 0) continue;
    return r.class;
  }
  return 'unscored';
}
