// Kafka-sink archives that exercise every rule of the gateway-events connector over two runs: each
// quarantine reason, re-deliveries in and across files and runs, payload days other than the
// arrival day, late data re-opening a closed day, unknown and stored families, and broken lines
// holding quotes, backslashes, control characters and non-ASCII text. `dump` reads back what the
// connector wrote, so a test can compare two implementations partition by partition.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const DAY = Date.parse('2026-11-16T00:00:00Z');
const H = 3_600_000;

/** The two windows the fixture is ingested over, one after the other. */
export const FIXTURE_WINDOWS = [
  { from: DAY, to: DAY + 24 * H },
  { from: DAY + 24 * H, to: DAY + 48 * H },
];

const env = (id: unknown, type: unknown, t: unknown, data: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ id, type, timestamp: t, gateway: 'gw.example', ...extra, data });
const trace = (id: string, t: number, payload: unknown = t) => env(id, 'stream_trace', String(t), { type: 'gateway_receive_stream_request', timestamp: payload, stream_id: 's', request_id: 'r' });

async function hour(root: string, at: number, partition: number, lines: string[], gzip = true): Promise<void> {
  const d = new Date(at).toISOString();
  const dir = join(root, `topics/network_events/year=${d.slice(0, 4)}/month=${d.slice(5, 7)}/day=${d.slice(8, 10)}/hour=${d.slice(11, 13)}`);
  await mkdir(dir, { recursive: true });
  const name = `network_events+${partition}+${String(partition * 1000).padStart(10, '0')}.json`;
  const body = lines.join('\n') + '\n';
  await writeFile(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(body) : body);
}

/** Writes the archives that arrive before run `n` (1 or 2) into `root`. */
export async function writeFixtureArchives(root: string, n: 1 | 2): Promise<void> {
  const t = DAY + 3 * H;
  if (n === 1) {
    await hour(root, t, 0, [
      trace('t3', t + 3000),
      trace('t1', t + 1000),
      // Same payload time: the envelope id orders them.
      trace('t2b', t + 2000),
      trace('t2a', t + 2000),
      // A Scope client trace: payload time as a digit string, no gateway key.
      JSON.stringify({ id: 'sc1', type: 'stream_trace', timestamp: String(t + 50), data: { type: 'stream_heartbeat', client_source: 'scope', timestamp: String(t + 40) } }),
      // Payload time on the previous day: filed under that day.
      trace('t0', t, DAY - 10 * H),
      // A payload time in fractional ms and one absent (a swap): the envelope dates the latter.
      trace('tf', t + 4000, t + 3999.5),
      env('sw1', 'stream_trace', String(t + 5000), { type: 'orchestrator_swap', stream_id: 's', request_id: 'r' }),
      env('st1', 'ai_stream_status', String(t + 10), { timestamp: t + 11, stream_id: 's', request_id: 'r', state: 'ONLINE', msg: 'é ✓ 🎉' }),
      env('dr1', 'discovery_results', String(t + 20), [{ address: '0xab', url: 'https://o:8935', latency_ms: '64' }]),
      env('nc0', 'network_capabilities', String(t + 30), null),
      env('dr0', 'discovery_results', String(t + 31), []),
      env('pay1', 'create_new_payment', String(t + 40), { timestamp: t + 40, sessionID: 'abcd1234', numTickets: '1' }),
      env('f1', 'pipelines_api_request', String(t + 60), { method: 'POST', status: 201 }),
      env('f2', 'create_signed_ticket', String(t + 61), 'anything at all'),
      env('u1', 'runner_custom_metrics', String(t + 70), { fps: 12 }),
      env('u2', 'Another Thing', String(t + 71), null),
      env('u3', 'runner_custom_metrics', String(t + 72), [1, 2]),
      // Every quarantine reason.
      trace('t1', t + 1000).slice(0, 37),
      '{"id":"nan1","type":"ai_stream_status","timestamp":"1763262000000","data":{"timestamp":1763262000000,"fps":NaN}}',
      '{"id":"tc1","type":"stream_trace","timestamp":"1763262000000","data":{"timestamp":1763262000000,},}',
      `broken "quoted" \\ back\u001bslash\ttab é 🎉 {`,
      '[1,2,3]',
      '"a string"',
      'null',
      env(undefined, 'stream_trace', String(t), {}),
      env('', 'stream_trace', String(t), {}),
      env(7, 'stream_trace', String(t), {}),
      env('m1', undefined, String(t), {}),
      env('m2', '', String(t), {}),
      env('m3', 42, String(t), {}),
      env('m4', 'stream_trace', undefined, {}),
      env('m5', 'stream_trace', null, {}),
      env('m6', 'stream_trace', '', {}),
      env('m7', 'stream_trace', t, {}),
      env('m8', 'stream_trace', 'yesterday', {}),
      env('m9', 'stream_trace', '123', {}),
      env('a1', 'discovery_results', String(t), { address: '0xab' }),
      env('a2', 'network_capabilities', String(t), 'null'),
      env('a3', 'discovery_results', String(t), undefined),
      env('o1', 'ai_stream_status', String(t), 'null'),
      env('o2', 'ai_stream_events', String(t), [{ timestamp: t }]),
      env('o3', 'stream_ingest_metrics', String(t), null),
      env('o4', 'create_new_payment', String(t), 0),
      env('o5', 'ai_stream_status', String(t), undefined),
      env('p1', 'ai_stream_status', String(t), { timestamp: true }),
      env('p2', 'ai_stream_status', String(t), { timestamp: 'soon' }),
      env('p3', 'ai_stream_status', String(t), { timestamp: { ms: 1 } }),
      // A re-delivery inside the same file.
      trace('t3', t + 3000),
    ]);
    await hour(root, t + H, 1, [
      // Re-deliveries across files: the same bytes, and the same id with other bytes (first wins).
      trace('t1', t + 1000),
      trace('t2a', t + 2000, t + 2500),
      env('st1', 'ai_stream_status', String(t + 10), { timestamp: t + 11, stream_id: 's', request_id: 'r', state: 'LOADING' }),
      env('st2', 'ai_stream_status', String(t + H), { timestamp: t + H, stream_id: 's', request_id: 'r2', state: 'ONLINE' }),
      env('u4', 'runner_custom_metrics', String(t + H), { fps: 13 }),
    ], false);
    await hour(root, DAY + 23 * H, 0, [trace('late0', DAY + 23 * H + 59 * 60_000)]);
    return;
  }
  // Run 2: the next day's files carry late events of day one, re-deliveries of day-one events and
  // their own events and broken lines.
  const t2 = DAY + 24 * H + 2 * H;
  await hour(root, t2, 0, [
    trace('late1', DAY + 22 * H),
    trace('t1', t + 1000),
    env('u5', 'runner_custom_metrics', String(DAY + 5 * H), { fps: 1 }),
    env('u1', 'runner_custom_metrics', String(t + 70), { fps: 12 }),
    trace('n1', t2 + 10),
    trace('n1', t2 + 10),
    'not json at all',
    env('q1', 'stream_trace', 17, {}),
  ]);
}

export interface PartitionDump {
  records: string;
  quarantine: string | null;
  manifest: Record<string, unknown>;
}

/**
 * Every gateway-events partition under `dataDir`: records decompressed (easier to read in a diff;
 * the manifest holds their digest), the quarantine file as stored, and the manifest without the
 * fetch time and the archive folder (a temporary one).
 */
export async function dump(dataDir: string): Promise<Record<string, PartitionDump>> {
  const out: Record<string, PartitionDump> = {};
  const base = join(dataDir, 'raw', 'gateway_events');
  if (!existsSync(base)) return out;
  for (const entity of readdirSync(base).sort()) {
    for (const p of readdirSync(join(base, entity)).sort()) {
      const dir = join(base, entity, p);
      const manifest = JSON.parse(await readFile(join(dir, '_manifest.json'), 'utf8')) as Record<string, unknown>;
      const { fetched_at: _f, endpoint: _e, ...rest } = manifest;
      out[`${entity}/${p}`] = {
        records: gunzipSync(await readFile(join(dir, 'records.ndjson.gz'))).toString('utf8'),
        quarantine: existsSync(join(dir, 'quarantine.ndjson')) ? await readFile(join(dir, 'quarantine.ndjson'), 'utf8') : null,
        manifest: rest,
      };
    }
  }
  return out;
}
