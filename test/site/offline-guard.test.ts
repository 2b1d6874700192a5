import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineGuard } from '../../site/scripts/paths.ts';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lpdata-site-guard-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs an ES module script in a node child with the guard preloaded, as the site build does. */
function guarded(script: string, log: string): string {
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(offlineGuard).href, '--input-type=module', '-e', script], {
    env: { ...process.env, LPDATA_NET_LOG: log },
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) throw new Error(`guarded script failed: ${run.stderr}`);
  return run.stdout.trim();
}

const attempts = async (log: string) => (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('offline guard', () => {
  it('refuses and records a request to a public host before any connection is made', async () => {
    const log = join(tmp, 'cdn.log');
    const out = guarded(`await fetch('https://cdn.jsdelivr.net/npm/htl@0.3.1/+esm').then(() => console.log('reached'), (e) => console.log('refused', e.cause?.code));`, log);
    expect(out).toBe('refused ELPDATAOFFLINE');
    expect(await attempts(log)).toEqual([expect.objectContaining({ host: 'cdn.jsdelivr.net', port: '443', how: 'connect' })]);
  });

  it('refuses DNS look-ups of public names', async () => {
    const log = join(tmp, 'dns.log');
    const out = guarded(`import dns from 'node:dns';
      await new Promise((done) => dns.lookup('registry.npmjs.org', (e) => { console.log(e?.code); done(); }));
      await dns.promises.lookup('example.com').catch((e) => console.log(e.code));`, log);
    expect(out.split('\n')).toEqual(['ELPDATAOFFLINE', 'ELPDATAOFFLINE']);
    expect((await attempts(log)).map((a) => a.host)).toEqual(['registry.npmjs.org', 'example.com']);
  });

  it('lets loopback connections through and records nothing', () => {
    const log = join(tmp, 'loopback.log');
    const out = guarded(`import http from 'node:http';
      const server = http.createServer((q, r) => r.end('served')).listen(0, '127.0.0.1');
      await new Promise((done) => server.once('listening', done));
      console.log(await (await fetch('http://127.0.0.1:' + server.address().port)).text());
      server.close();`, log);
    expect(out).toBe('served');
    expect(existsSync(log)).toBe(false);
  });
});
