// Per source-and-entity watermark: where the next incremental run starts.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stableJson } from './hash.ts';

export interface Watermark {
  source: string;
  entity: string;
  /** Time sources: ISO instant of the end of the last complete window. Chain: last block done. */
  value: string | number;
  /** Extra state a connector needs to resume (e.g. the block hash at `value` for reorg checks). */
  state?: Record<string, unknown>;
  updated_at: string;
}

const file = (dataDir: string, source: string, entity: string) =>
  join(dataDir, 'state', 'watermarks', `${source}.${entity}.json`);

export async function readWatermark(dataDir: string, source: string, entity: string): Promise<Watermark | undefined> {
  const p = file(dataDir, source, entity);
  if (!existsSync(p)) return undefined;
  return JSON.parse(await readFile(p, 'utf8')) as Watermark;
}

export async function writeWatermark(
  dataDir: string,
  source: string,
  entity: string,
  value: string | number,
  state?: Record<string, unknown>,
): Promise<void> {
  const p = file(dataDir, source, entity);
  await mkdir(join(dataDir, 'state', 'watermarks'), { recursive: true });
  const wm: Watermark = { source, entity, value, ...(state ? { state } : {}), updated_at: new Date().toISOString() };
  await writeFile(`${p}.tmp`, stableJson(wm) + '\n');
  await rename(`${p}.tmp`, p);
}
