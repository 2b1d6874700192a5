// A real S3-protocol server (s3rver) on 127.0.0.1 for tests, with one bucket.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Settings } from '../../lib/config.ts';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  settings: S3Settings;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'lpdata-test'): Promise<LocalS3> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  const addr = (await server.run()) as { port: number };
  // s3rver accepts its own fixed credentials; the SDK reads them from the standard variables.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const endpoint = `http://127.0.0.1:${addr.port}`;
  return {
    endpoint,
    bucket,
    settings: { endpoint, region: 'us-east-1', forcePathStyle: true },
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
