// Archives and load-test bundles read from an S3 prefix on a real S3-protocol server give the same
// raw snapshots as the same files read from a folder.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { loadtestJob } from '../../jobs/loadtest/bundles.ts';
import { loadConfig } from '../../lib/config.ts';
import { logger } from '../../lib/log.ts';
import { FolderStore, openStore } from '../../lib/objects.ts';
import { writeArchive } from '../../network/archive.ts';
import { startReferenceGateway } from '../../network/gateway.ts';
import { runEmbeddedLoadTests } from '../../network/loadtests.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld } from '../../network/world.ts';
import { startS3, type LocalS3 } from './s3rver.ts';

const log = logger({ test: 's3' });
let s3: LocalS3;
let root: string;

function snapshotDigests(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (!e.endsWith('_manifest.json')) out[relative(dataDir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(join(dataDir, 'raw'));
  return out;
}

async function upload(folder: string, prefix: string) {
  const src = new FolderStore(folder);
  const dst = await openStore(`s3://${s3.bucket}/${prefix}`, s3.settings);
  for (const key of await src.list('')) await dst.put(key, await src.get(key));
}

beforeAll(async () => {
  s3 = await startS3();
  root = await mkdtemp(join(tmpdir(), 'lp-s3-src-'));
  const world = createWorld({ seed: 's3-test', scale: 0.25 });
  await writeArchive(join(root, 'archives'), simulate(world), world.options.seed);
  const gateway = await startReferenceGateway(world);
  await runEmbeddedLoadTests(world, gateway.url, join(root, 'loadtests'), log);
  await gateway.stop();
  await upload(join(root, 'archives'), 'kafka-sink');
  await upload(join(root, 'loadtests'), 'bundles');
}, 120_000);

afterAll(async () => {
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('sources on S3', () => {
  it('lists with Marker paging past 1000 keys and round-trips bytes', async () => {
    const store = await openStore(`s3://${s3.bucket}/paging`, s3.settings);
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    for (const k of keys) await store.put(k, k);
    expect(await store.list('k/')).toEqual(keys);
    expect((await store.get('k/01004')).toString()).toBe('k/01004');
    expect(await store.exists('k/99999')).toBe(false);
  }, 120_000);

  it('reads gateway-event archives and load-test bundles from an S3 prefix exactly as from a folder', async () => {
    const window = createWorld({ seed: 's3-test', scale: 0.25 }).window;
    const fromFolder = join(root, 'folder-data');
    const fromS3 = join(root, 's3-data');
    const env = (dataDir: string, events: string, bundles: string) =>
      loadConfig({ LPDATA_DATA_DIR: dataDir, LPDATA_GATEWAY_EVENTS: events, LPDATA_LOADTESTS: bundles, AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: 'us-east-1' });
    const a = env(fromFolder, join(root, 'archives'), join(root, 'loadtests'));
    const b = env(fromS3, `s3://${s3.bucket}/kafka-sink`, `s3://${s3.bucket}/bundles`);
    for (const job of [gatewayEventsJob, loadtestJob]) {
      const ra = await job.run({ config: a, window, log });
      const rb = await job.run({ config: b, window, log });
      expect(rb.rows).toBe(ra.rows);
      expect(rb.quarantined).toBe(ra.quarantined);
      expect(rb.manifests[0]!.endpoint).toBe(job === gatewayEventsJob ? `s3://${s3.bucket}/kafka-sink` : `s3://${s3.bucket}/bundles`);
    }
    expect(snapshotDigests(fromS3)).toEqual(snapshotDigests(fromFolder));
  }, 120_000);
});
