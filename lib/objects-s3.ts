// S3-compatible store through the AWS SDK v3 (endpoint, region and credentials from the standard
// AWS_* environment variables). DuckDB cannot reach s3:// offline, so objects move through here.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './config.ts';
import { UserError } from './errors.ts';
import type { ObjectStore } from './objects.ts';

export class S3Store implements ObjectStore {
  readonly uri: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;

  constructor(uri: string, s3: S3Settings) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!m) throw new UserError(`"${uri}" is not an S3 location`, 'write it as s3://bucket/optional/prefix');
    this.uri = uri;
    this.bucket = m[1]!;
    this.prefix = m[2] ? m[2].replace(/\/?$/, '/') : '';
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      // Checksum framing on streamed puts corrupts objects on some S3 servers; our manifests carry sha256.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let marker: string | undefined;
    // The V1 listing paged by Marker: V2 continuation tokens break some S3 servers (s3rver under
    // OpenSSL 3 fails every truncated V2 listing), and every S3-compatible store supports V1.
    for (;;) {
      const res = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: this.prefix + prefix, Marker: marker, MaxKeys: 1000 }));
      const keys = (res.Contents ?? []).map((c) => c.Key!).filter(Boolean);
      for (const k of keys) out.push(k.slice(this.prefix.length));
      if (!res.IsTruncated || keys.length === 0) break;
      marker = keys[keys.length - 1];
    }
    return out.sort();
  }

  async get(key: string): Promise<Buffer> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: typeof body === 'string' ? Buffer.from(body) : body }));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }
}
