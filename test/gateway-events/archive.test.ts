// The gateway-events connector against Kafka-sink archives in a folder: malformed records are
// quarantined with a reason and counted, duplicates are caught, late events re-open their day.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayEventsJob, gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { writeArchive } from '../../network/archive.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld } from '../../network/world.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { ms } from '../../lib/time.ts';

const DAY = Date.parse('2026-11-16T00:00:00Z');
const log = logger({ test: 'gateway-events' });
let root: string;

function envelope(id: string, type: string, t: number, data: unknown = { type: 'gateway_receive_stream_request', timestamp: t, stream_id: 's', request_id: 'r' }) {
  return JSON.stringify({ id, type, timestamp: String(t), gateway: '', data });
}

async function writeHour(hourIso: string, partition: number, lines: string[]) {
  const d = new Date(hourIso).toISOString();
  const dir = join(root, 'archives', `topics/network_events/year=${d.slice(0, 4)}/month=${d.slice(5, 7)}/day=${d.slice(8, 10)}/hour=${d.slice(11, 13)}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `network_events+${partition}+0000000000.json.gz`), gzipSync(lines.join('\n') + '\n'));
}

async function partition(entity: string, day: string) {
  const dir = join(root, 'data', 'raw', 'gateway_events', entity, `date=${day}`);
  const manifest = JSON.parse(await readFile(join(dir, '_manifest.json'), 'utf8'));
  const records = gunzipSync(await readFile(join(dir, 'records.ndjson.gz'))).toString('utf8').split('\n').filter(Boolean);
  let quarantine: { reason: string; raw: string }[] = [];
  try {
    quarantine = (await readFile(join(dir, 'quarantine.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    quarantine = [];
  }
  return { manifest, records, quarantine };
}

const config = () => loadConfig({ LPDATA_DATA_DIR: join(root, 'data'), LPDATA_GATEWAY_EVENTS: join(root, 'archives') });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-archive-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('gateway events connector', () => {
  it('quarantines each kind of malformed event with its reason and loses nothing', async () => {
    const t = DAY + 3_600_000;
    const good = [envelope('a1', 'stream_trace', t + 1), envelope('a2', 'stream_trace', t + 2), envelope('a3', 'discovery_results', t + 3, [{ address: '0xab', url: 'https://o:8935', latency_ms: '64' }])];
    // Polls that reached no orchestrator: go-livepeer marshals the nil slice as null (§2.9).
    const emptyPolls = [envelope('e1', 'network_capabilities', t + 4, null), envelope('e2', 'discovery_results', t + 5, [])];
    const bad = [
      { line: good[0]!.slice(0, 40), reason: 'truncated JSON' },
      { line: JSON.stringify({ id: 'b2', type: 'stream_trace', timestamp: 1763254800000, gateway: '', data: {} }), reason: 'envelope timestamp of the wrong type' },
      { line: JSON.stringify({ id: 'b3', type: '', timestamp: String(t), gateway: '', data: {} }), reason: 'missing event type' },
      { line: JSON.stringify({ id: 'b4', type: 'stream_trace', gateway: '', data: {} }), reason: 'missing envelope timestamp' },
      { line: envelope('b5', 'discovery_results', t, { address: '0xab' }), reason: 'payload is not an array' },
      { line: envelope('b6', 'ai_stream_status', t, 'null'), reason: 'payload is not an object' },
    ];
    const dup = envelope('a1', 'stream_trace', t + 1);
    await writeHour(new Date(t).toISOString(), 0, [...good.slice(0, 2), ...bad.map((b) => b.line)]);
    await writeHour(new Date(t).toISOString(), 1, [good[2]!, dup, ...emptyPolls]);

    const r = await gatewayEventsJob.run({ config: config(), window: { from: ms(DAY), to: ms(DAY + 86_400_000) }, log });
    expect(r.read).toBe(good.length + emptyPolls.length + bad.length + 1);
    expect(r.rows).toBe(good.length + emptyPolls.length);
    expect(r.quarantined).toBe(bad.length + 1);
    expect(r.read).toBe(r.rows + r.quarantined);

    const invalid = await partition('_invalid', '2026-11-16');
    expect(invalid.quarantine.map((q) => q.reason).sort()).toEqual(bad.map((b) => b.reason).sort());
    // Quarantined records keep their exact bytes.
    expect(invalid.quarantine.map((q) => q.raw).sort()).toEqual(bad.map((b) => b.line).sort());
    expect(invalid.manifest.quarantine_reasons['truncated JSON']).toBe(1);

    const trace = await partition('stream_trace', '2026-11-16');
    expect(trace.records).toEqual(good.slice(0, 2));
    expect(trace.quarantine).toEqual([{ reason: 'duplicate envelope id', raw: dup }]);
    expect(trace.manifest.read).toBe(3);
    const discovery = await partition('discovery_results', '2026-11-16');
    expect(discovery.records).toEqual([good[2], emptyPolls[1]]);
    expect((await partition('network_capabilities', '2026-11-16')).records).toEqual([emptyPolls[0]]);
  });

  it('keeps families no model reads and unknown types, counted and flagged, not quarantined', async () => {
    const t = DAY + 5 * 3_600_000;
    // Daydream's families on network_events (no public producer code: their payloads are not read),
    // go-livepeer's remote-signer family, a type nobody documents, and a Scope client trace whose
    // payload time is a digit string (daydreamlive/scope src/scope/server/kafka_publisher.py).
    const api = envelope('f1', 'pipelines_api_request', t + 1, { method: 'POST', path: '/v1/streams', status: 201 });
    const rtc = envelope('f2', 'webrtc_stats', t + 2, { stream_id: 's', stats: [] });
    const signed = envelope('f3', 'create_signed_ticket', t + 3, { session_id: 'x', num_tickets: 1 });
    const odd = [envelope('f4', 'runner_custom_metrics', t + 4, { fps: 12 }), envelope('f5', 'runner_custom_metrics', t + 5, 'not even an object'), envelope('f6', 'Another Thing', t + 6)];
    const scope = JSON.stringify({ id: 'f7', type: 'stream_trace', timestamp: String(t + 7), data: { type: 'stream_heartbeat', client_source: 'scope', timestamp: String(t + 7) } });
    const broken = JSON.stringify({ id: 'f8', timestamp: String(t), gateway: '', data: {} });
    await writeHour(new Date(t).toISOString(), 0, [api, rtc, signed, ...odd, scope, broken]);

    const r = await gatewayEventsJob.run({ config: config(), window: { from: ms(DAY), to: ms(DAY + 86_400_000) }, log });
    expect(r.read).toBe(r.rows + r.quarantined);
    expect(r.rows).toBe(7);
    expect(r.quarantined).toBe(1);

    const stored = await Promise.all(['pipelines_api_request', 'webrtc_stats', 'create_signed_ticket'].map((e) => partition(e, '2026-11-16')));
    expect(stored.map((p) => p.records)).toEqual([[api], [rtc], [signed]]);
    expect(stored.map((p) => p.manifest.extra.family_status)).toEqual(['stored_not_modelled', 'stored_not_modelled', 'stored_not_modelled']);
    const unknown = await partition('unknown', '2026-11-16');
    expect(unknown.records).toEqual(odd);
    expect(unknown.quarantine).toEqual([]);
    expect(unknown.manifest.extra.family_status).toBe('unknown');
    expect(unknown.manifest.extra.types).toEqual({ 'Another Thing': 1, runner_custom_metrics: 2 });
    const trace = await partition('stream_trace', '2026-11-16');
    expect(trace.records).toEqual([scope]);
    expect(trace.manifest.extra.family_status).toBe('modelled');
    const invalid = await partition('_invalid', '2026-11-16');
    expect(invalid.quarantine).toEqual([{ reason: 'missing event type', raw: broken }]);
  });

  it('orders records by payload time, not by archive order', async () => {
    const t = DAY + 7_200_000;
    const lines = [envelope('c3', 'stream_trace', t + 3000), envelope('c1', 'stream_trace', t + 1000), envelope('c2', 'stream_trace', t + 2000)];
    await writeHour(new Date(t).toISOString(), 0, [lines[0]!]);
    await writeHour(new Date(t).toISOString(), 2, [lines[1]!, lines[2]!]);
    await gatewayEventsJob.run({ config: config(), window: { from: ms(DAY), to: ms(DAY + 86_400_000) }, log });
    const p = await partition('stream_trace', '2026-11-16');
    expect(p.records.map((l) => JSON.parse(l).id)).toEqual(['c1', 'c2', 'c3']);
  });

  it('re-opens a closed day for a late event, and catches a re-delivery in a later run', async () => {
    const t = DAY + 23 * 3_600_000;
    const first = envelope('d1', 'stream_trace', t);
    await writeHour(new Date(t).toISOString(), 0, [first]);
    const c = config();
    const dayOne = { from: ms(DAY), to: ms(DAY + 86_400_000) };
    await gatewayEventsJob.run({ config: c, window: dayOne, log });
    // The next day's archives carry an event from day one (late) and day one's event again.
    const late = envelope('d2', 'stream_trace', t + 10_000);
    await writeHour(new Date(DAY + 86_400_000 + 5 * 3_600_000).toISOString(), 1, [late, first]);
    const r2 = await gatewayEventsJob.run({ config: c, window: { from: ms(DAY + 86_400_000), to: ms(DAY + 2 * 86_400_000) }, log });
    expect(r2.read).toBe(2);
    expect(r2.rows).toBe(1);
    expect(r2.quarantined).toBe(1);
    const p = await partition('stream_trace', '2026-11-16');
    expect(p.records).toEqual([first, late]);
    expect(p.quarantine).toEqual([{ reason: 'duplicate envelope id', raw: first }]);
    expect(p.manifest.extra.archive_files).toHaveLength(2);
  });

  it('is incremental: a second run over the same window reads nothing and changes nothing', async () => {
    const t = DAY + 3_600_000;
    await writeHour(new Date(t).toISOString(), 0, [envelope('e1', 'stream_trace', t)]);
    const c = config();
    const w = { from: ms(DAY), to: ms(DAY + 86_400_000) };
    await gatewayEventsJob.run({ config: c, window: w, log });
    const before = await readFile(join(root, 'data/raw/gateway_events/stream_trace/date=2026-11-16/records.ndjson.gz'));
    const again = await gatewayEventsJob.run({ config: c, window: w, log });
    expect(again.upToDate).toBe(true);
    expect(again.read).toBe(0);
    expect(await readFile(join(root, 'data/raw/gateway_events/stream_trace/date=2026-11-16/records.ndjson.gz'))).toEqual(before);
  });
});

describe('gateway events connector after a crash', () => {
  it('resumes a run that died between partition writes and ends with the same snapshot, nothing twice', async () => {
    const world = createWorld({ seed: 'crash-test', scale: 0.2 });
    await writeArchive(join(root, 'archives'), simulate(world), world.options.seed);
    const whole = loadConfig({ LPDATA_DATA_DIR: join(root, 'whole'), LPDATA_GATEWAY_EVENTS: join(root, 'archives') });
    const crashed = loadConfig({ LPDATA_DATA_DIR: join(root, 'crashed'), LPDATA_GATEWAY_EVENTS: join(root, 'archives') });
    const undisturbed = await gatewayEventsJob.run({ config: whole, window: world.window, log });

    const dying = createGatewayEventsJob({
      afterPartition: (n) => {
        if (n === 3) throw new Error('simulated crash');
      },
    });
    await expect(dying.run({ config: crashed, window: world.window, log })).rejects.toThrow('simulated crash');
    const resumed = await gatewayEventsJob.run({ config: crashed, window: world.window, log });
    // Three partitions were already whole; the resumed run adds exactly the rest.
    expect(resumed.rows + resumed.quarantined).toBeLessThan(undisturbed.rows + undisturbed.quarantined);
    const digests = async (dataDir: string) => {
      const out: Record<string, string> = {};
      for (const m of undisturbed.manifests) {
        const dir = join(dataDir, 'raw', 'gateway_events', m.entity, m.partition);
        out[`${m.entity}/${m.partition}/records`] = (await readFile(join(dir, 'records.ndjson.gz'))).toString('base64');
        out[`${m.entity}/${m.partition}/quarantine`] = await readFile(join(dir, 'quarantine.ndjson'), 'utf8').catch(() => '');
      }
      return out;
    };
    expect(await digests(join(root, 'crashed'))).toEqual(await digests(join(root, 'whole')));
  });
});
