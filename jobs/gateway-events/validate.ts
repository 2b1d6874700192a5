// Accepts or rejects one archived gateway event line, with the reason a person can act on.

/** The seven families NaaP accepts from the gateway topics (livepeer-sources §2.3-2.10). */
export const FAMILIES = [
  'stream_trace',
  'ai_stream_status',
  'ai_stream_events',
  'stream_ingest_metrics',
  'network_capabilities',
  'discovery_results',
  'create_new_payment',
] as const;
export type Family = (typeof FAMILIES)[number];

/** Families whose payload is an array of objects rather than one object. */
const ARRAY_FAMILIES = new Set<string>(['network_capabilities', 'discovery_results']);

export type Checked =
  | { ok: true; id: string; family: Family; envelopeMs: number; payloadMs: number }
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
  if (typeof e.type !== 'string' || !(FAMILIES as readonly string[]).includes(e.type)) return { ok: false, reason: 'unknown family' };
  if (e.timestamp === undefined || e.timestamp === null || e.timestamp === '') return { ok: false, reason: 'missing envelope timestamp' };
  // The producer writes Unix ms as a string of digits; anything else is a different producer or a bug.
  if (typeof e.timestamp !== 'string' || !/^\d{10,16}$/.test(e.timestamp)) return { ok: false, reason: 'envelope timestamp of the wrong type' };
  const envelopeMs = Number(e.timestamp);
  const family = e.type as Family;
  if (ARRAY_FAMILIES.has(family)) {
    if (!Array.isArray(e.data)) return { ok: false, reason: 'payload is not an array' };
    if (e.data.length === 0) return { ok: false, reason: 'empty payload' };
    return { ok: true, id: e.id, family, envelopeMs, payloadMs: envelopeMs };
  }
  if (!e.data || typeof e.data !== 'object' || Array.isArray(e.data)) return { ok: false, reason: 'payload is not an object' };
  const ts = (e.data as Record<string, unknown>).timestamp;
  if (ts !== undefined && ts !== null && typeof ts !== 'number') return { ok: false, reason: 'payload timestamp of the wrong type' };
  // Swaps, params updates and gateway errors carry no payload time: the envelope dates them (§2.12).
  return { ok: true, id: e.id, family, envelopeMs, payloadMs: typeof ts === 'number' ? ts : envelopeMs };
}
