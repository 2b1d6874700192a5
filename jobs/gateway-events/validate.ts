// Accepts or rejects one archived gateway event line, with the reason a person can act on.
import { entityOf, familyStatus, type FamilyStatus } from './families.ts';

/** Families whose payload is an array of objects rather than one object. */
const ARRAY_FAMILIES = new Set<string>(['network_capabilities', 'discovery_results']);

export type Checked =
  | { ok: true; id: string; type: string; entity: string; status: FamilyStatus; envelopeMs: number; payloadMs: number }
  | { ok: false; reason: string };

export function checkEvent(line: string): Checked {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'truncated JSON' };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'record is not a JSON object' };
  const e = v as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id === '') return { ok: false, reason: 'missing envelope id' };
  if (typeof e.type !== 'string' || e.type === '') return { ok: false, reason: 'missing event type' };
  if (e.timestamp === undefined || e.timestamp === null || e.timestamp === '') return { ok: false, reason: 'missing envelope timestamp' };
  // Every producer on these topics writes Unix ms as a string of digits (go-livepeer monitor/kafka.go,
  // Scope's publisher); anything else is a bug.
  if (typeof e.timestamp !== 'string' || !/^\d{10,16}$/.test(e.timestamp)) return { ok: false, reason: 'envelope timestamp of the wrong type' };
  const envelopeMs = Number(e.timestamp);
  const type = e.type;
  const status = familyStatus(type);
  const kept = { ok: true as const, id: e.id, type, entity: entityOf(type), status };
  // Payloads no model reads are stored as sent: their shape is the producer's business.
  if (status !== 'modelled') return { ...kept, envelopeMs, payloadMs: envelopeMs };
  if (ARRAY_FAMILIES.has(type)) {
    // A poll that reached no orchestrator marshals its nil slice as null (§2.9): a snapshot of nobody.
    if (e.data !== null && !Array.isArray(e.data)) return { ok: false, reason: 'payload is not an array' };
    return { ...kept, envelopeMs, payloadMs: envelopeMs };
  }
  if (!e.data || typeof e.data !== 'object' || Array.isArray(e.data)) return { ok: false, reason: 'payload is not an object' };
  const ts = (e.data as Record<string, unknown>).timestamp;
  // go-livepeer sends payload ms as a number; Scope's stream_trace sends them as a digit string.
  const payloadMs = typeof ts === 'number' ? ts : typeof ts === 'string' && /^\d{10,16}$/.test(ts) ? Number(ts) : undefined;
  if (ts !== undefined && ts !== null && payloadMs === undefined) return { ok: false, reason: 'payload timestamp of the wrong type' };
  // Swaps, params updates and gateway errors carry no payload time: the envelope dates them (§2.12).
  return { ...kept, envelopeMs, payloadMs: payloadMs ?? envelopeMs };
}
