// Identifier shapes seen on the wire (docs/sources.md §2.4).
import type { Rng } from '../lib/rng.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function streamId(rng: Rng, org: 'daydream' | 'cloudspe'): string {
  if (org === 'cloudspe') return `stream-${rng.hex(8)}-${rng.hex(4)}`;
  let s = 'str_';
  for (let i = 0; i < 16; i++) s += ALNUM[Math.floor(rng.next() * ALNUM.length)];
  return s;
}

/** go-livepeer's RandomManifestID: 8 hex characters. */
export const requestId = (rng: Rng): string => rng.hex(8);
