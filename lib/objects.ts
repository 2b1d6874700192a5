// A minimal object-store interface over a local folder or an S3-compatible bucket, so archives,
// bundles and releases are read and written the same way wherever they live.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { S3Settings } from './config.ts';
import { UserError } from './errors.ts';

export interface ObjectStore {
  /** Human-readable location (no credentials). */
  readonly uri: string;
  /** Every key under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  put(key: string, body: Uint8Array | string): Promise<void>;
  delete(key: string): Promise<void>;
}

export function isS3Uri(uri: string): boolean {
  return uri.startsWith('s3://');
}

export async function openStore(uri: string, s3?: S3Settings): Promise<ObjectStore> {
  if (isS3Uri(uri)) {
    const { S3Store } = await import('./objects-s3.ts');
    return new S3Store(uri, s3 ?? { region: 'us-east-1', forcePathStyle: true });
  }
  if (/^[a-z]+:\/\//i.test(uri)) {
    throw new UserError(`unsupported store location "${uri}"`, 'use a local folder path or s3://bucket/prefix');
  }
  return new FolderStore(uri);
}

export class FolderStore implements ObjectStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get uri() {
    return this.root;
  }
  private path(key: string): string {
    const p = resolve(this.root, key);
    if (p !== this.root && !p.startsWith(this.root + sep)) throw new Error(`key escapes the store: ${key}`);
    return p;
  }
  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    // Walk only the folder that holds the prefix; the rest of the tree cannot match.
    const base = this.path(prefix.endsWith('/') ? prefix : dirname(prefix) === '.' ? '' : dirname(prefix));
    if (!existsSync(base)) return out;
    const walk = async (dir: string) => {
      for (const ent of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, ent.name);
        if (ent.isDirectory()) await walk(full);
        else {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix) && !ent.name.includes('.tmp-')) out.push(key);
        }
      }
    };
    await walk(base);
    return out.sort();
  }
  async get(key: string): Promise<Buffer> {
    const p = this.path(key);
    if (!existsSync(p)) throw new UserError(`object ${key} not found in ${this.root}`);
    return readFile(p);
  }
  async exists(key: string): Promise<boolean> {
    return existsSync(this.path(key)) && (await stat(this.path(key))).isFile();
  }
  async put(key: string, body: Uint8Array | string): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    // Write then rename, so a reader never sees half an object.
    const tmp = `${p}.tmp-${process.pid}`;
    await writeFile(tmp, body);
    await rename(tmp, p);
  }
  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
