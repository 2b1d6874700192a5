// The GitHub release step against a local server implementing the two endpoints it uses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announce, changelogEntry } from '../../datasets/github-release.ts';
import { logger } from '../../lib/log.ts';

interface Stored {
  tag_name: string;
  name: string;
  body: string;
}

let server: Server;
let baseUrl: string;
const releases = new Map<string, Stored>();
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const byTag = /^\/repos\/livepeer\/network-data\/releases\/tags\/(.+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && byTag) {
        const r = releases.get(decodeURIComponent(byTag[1]!));
        return r ? send(200, { ...r, id: 1, html_url: `https://example.test/releases/${r.tag_name}` }) : send(404, { message: 'Not Found' });
      }
      if (req.method === 'POST' && req.url === '/repos/livepeer/network-data/releases') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Stored;
        if (releases.has(body.tag_name)) return send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists', field: 'tag_name' }] });
        releases.set(body.tag_name, body);
        return send(201, { ...body, id: 2, html_url: `https://example.test/releases/${body.tag_name}` });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const published = [
  { dataset_id: 'orchestrator_workflow_hourly', release_id: '20261116-d749c1a6a8cb', version: '1.0.0', created: true, manifest: 'data/store/orchestrator_workflow_hourly/v1/20261116-d749c1a6a8cb/manifest.json', manifestKey: 'orchestrator_workflow_hourly/v1/20261116-d749c1a6a8cb/manifest.json' },
];

describe('GitHub release', () => {
  it('creates one release with changelog notes and manifest links, then finds it instead of creating another', async () => {
    const target = { owner: 'livepeer', repo: 'network-data', token: 'test-token', baseUrl, publicStoreUrl: 'https://data.example.test' };
    const first = await announce(target, published, logger({ test: 'github' }));
    expect(first.created).toBe(true);
    const stored = releases.get(first.tag)!;
    expect(stored.body).toContain('https://data.example.test/orchestrator_workflow_hourly/v1/20261116-d749c1a6a8cb/manifest.json');
    expect(stored.body).toContain(changelogEntry('orchestrator_workflow_hourly', '1.0.0'));
    expect(changelogEntry('orchestrator_workflow_hourly', '1.0.0')).toMatch(/First release/);
    const again = await announce(target, published, logger({ test: 'github' }));
    expect(again).toEqual({ tag: first.tag, created: false, url: `https://example.test/releases/${first.tag}` });
    expect(releases.size).toBe(1);
    expect(seen.every((s) => s.endsWith('auth=token test-token'))).toBe(true);
  });
});
