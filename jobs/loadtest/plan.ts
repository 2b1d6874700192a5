// The versioned test-plan format (`lpdata-loadtest-plan/1`): what to send, to which endpoint, with
// which content-addressed inputs, at what pace, and how each reply is classed. Plans are strict:
// an unknown field or an input whose hash does not match fails before anything is sent.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { OUTCOMES, type Outcome } from './summary.ts';

export const PLAN_FORMAT = 'lpdata-loadtest-plan/1';

export interface PlanInput {
  id: string;
  sha256: string;
  /** Text inputs (prompts) inline; their sha256 is of the UTF-8 text. */
  text: string;
}

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
  request: { endpoint: string; method: 'POST'; content_type: 'application/json'; body: Record<string, unknown> };
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
  request: ['endpoint', 'method', 'content_type', 'body'],
  inputs: ['pool', 'items'],
  'inputs.items[]': ['id', 'sha256', 'text'],
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
  need(p.request.method === 'POST' && p.request.content_type === 'application/json', path, 'only POST application/json requests are supported', 'multipart media inputs are not implemented yet');
  need(p.inputs && Array.isArray(p.inputs.items) && p.inputs.items.length > 0, path, 'inputs.items is empty', 'list at least one input');
  unknownFields(p.inputs as unknown as Record<string, unknown>, 'inputs', path);
  for (const it of p.inputs.items) {
    unknownFields(it as unknown as Record<string, unknown>, 'inputs.items[]', path);
    need(typeof it.id === 'string', path, 'an input has no id', 'give each input an id');
    need(typeof it.sha256 === 'string' && /^[0-9a-f]{64}$/.test(it.sha256), path, `input ${it.id} has no sha256`, `add sha256: ${typeof it.text === 'string' ? sha256(it.text) : '<sha256 of the content>'}`);
    need(sha256(it.text) === it.sha256, path, `input ${it.id} does not match its sha256`, 'inputs are content-addressed: fix the text or the hash');
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
