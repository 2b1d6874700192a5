// The connector's DuckDB path writes what its earlier JS path wrote (fixtures/js-path-partitions.json,
// recorded from that path on the same fixture): the same records file (its gzip bytes), the same
// quarantine bytes and reasons, the same manifests, over two runs where late data re-opens a day.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { ms } from '../../lib/time.ts';
import { dump, FIXTURE_WINDOWS, writeFixtureArchives, type PartitionDump } from './fixture.ts';

const log = logger({ test: 'gateway-events-duckdb' });

interface RunDump {
  result: { read: number; rows: number; quarantined: number; partitions: string[] };
  partitions: Record<string, PartitionDump>;
}

let root: string;
const runs: RunDump[] = [];
let expected: RunDump[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-duckdb-path-'));
  expected = JSON.parse(await readFile(join(import.meta.dirname, 'fixtures', 'js-path-partitions.json'), 'utf8')) as RunDump[];
  const config = loadConfig({ LPDATA_DATA_DIR: join(root, 'data'), LPDATA_GATEWAY_EVENTS: join(root, 'archives') });
  for (const n of [1, 2] as const) {
    await writeFixtureArchives(join(root, 'archives'), n);
    const w = FIXTURE_WINDOWS[n - 1]!;
    const r = await gatewayEventsJob.run({ config, window: { from: ms(w.from), to: ms(w.to) }, log, fetchedAt: new Date('2026-11-18T00:00:00Z') });
    runs.push({ result: { read: r.read, rows: r.rows, quarantined: r.quarantined, partitions: r.manifests.map((m) => `${m.entity}/${m.partition}`) }, partitions: await dump(join(root, 'data')) });
  }
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the DuckDB path of the gateway-events connector', () => {
  for (const n of [0, 1]) {
    it(`run ${n + 1}: reads, keeps and quarantines as the JS path did`, () => {
      expect(runs[n]!.result).toEqual(expected[n]!.result);
      expect(runs[n]!.result.read).toBe(runs[n]!.result.rows + runs[n]!.result.quarantined);
    });
    it(`run ${n + 1}: every partition has the JS path's records, quarantine bytes and manifest`, () => {
      expect(Object.keys(runs[n]!.partitions)).toEqual(Object.keys(expected[n]!.partitions));
      for (const [k, p] of Object.entries(expected[n]!.partitions)) expect(runs[n]!.partitions[k], k).toEqual(p);
    });
  }

  it('quarantines every reason the rules have, each with the line as sent', () => {
    const invalid = runs[0]!.partitions['_invalid/date=2026-11-16']!;
    const reasons = Object.keys(invalid.manifest.quarantine_reasons as Record<string, number>).sort();
    expect(reasons).toEqual([
      'envelope timestamp of the wrong type',
      'missing envelope id',
      'missing envelope timestamp',
      'missing event type',
      'payload is not an array',
      'payload is not an object',
      'payload timestamp of the wrong type',
      'record is not a JSON object',
      'truncated JSON',
    ]);
    const raws = invalid.quarantine!.trim().split('\n').map((l) => (JSON.parse(l) as { raw: string }).raw);
    expect(raws).toContain('broken "quoted" \\ back\u001bslash\ttab é 🎉 {');
    // NaN and trailing commas are not JSON, whatever DuckDB's parser would take.
    expect(raws.filter((r) => r.includes('NaN') || r.includes(',}'))).toHaveLength(2);
  });

  it('fails a run on a carriage return in an archive, rather than storing a line with other bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lp-duckdb-cr-'));
    try {
      const hour = join(dir, 'archives', 'topics/network_events/year=2026/month=11/day=16/hour=01');
      await mkdir(hour, { recursive: true });
      const line = JSON.stringify({ id: 'cr1', type: 'stream_trace', timestamp: '1794790800000', data: { timestamp: 1794790800000 } });
      await writeFile(join(hour, 'network_events+0+0000000000.json'), `${line}\r\n${line}\n`);
      const config = loadConfig({ LPDATA_DATA_DIR: join(dir, 'data'), LPDATA_GATEWAY_EVENTS: join(dir, 'archives') });
      const day = { from: ms(FIXTURE_WINDOWS[0]!.from), to: ms(FIXTURE_WINDOWS[0]!.to) };
      await expect(gatewayEventsJob.run({ config, window: day, log })).rejects.toThrow(/CSV/);
      expect(existsSync(join(dir, 'data', 'raw', 'gateway_events'))).toBe(false);
      expect(existsSync(join(dir, 'data', 'state', 'watermarks', 'gateway_events.archive.json'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
