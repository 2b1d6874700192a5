// Announces a publish as a GitHub release: notes from each dataset's changelog entry for its
// version and links to the manifests. One release per distinct set of release ids (the tag is
// derived from them), so re-running a publish with unchanged data creates nothing new.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { sha256 } from '../lib/hash.ts';
import type { Logger } from '../lib/log.ts';
import { DATASETS_DIR } from '../lib/paths.ts';
import type { Published } from './publish.ts';

export interface GithubTarget {
  owner: string;
  repo: string;
  token: string;
  /** API root; a local server in tests, https://api.github.com otherwise. */
  baseUrl?: string;
  /** Public URL of the store, so notes can link manifests; the store path is used when absent. */
  publicStoreUrl?: string;
}

/** The changelog section for a version (the lines under `## <version>`). */
export function changelogEntry(datasetId: string, version: string, root = DATASETS_DIR): string {
  const p = join(root, datasetId, 'CHANGELOG.md');
  if (!existsSync(p)) return '';
  const lines = readFileSync(p, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${version}`);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}

export function releaseNotes(published: Published[], publicStoreUrl: string | undefined): string {
  const parts = ['Datasets in this publish:', ''];
  for (const p of published) {
    const link = publicStoreUrl ? `${publicStoreUrl.replace(/\/$/, '')}/${p.manifestKey}` : p.manifest;
    parts.push(`### ${p.dataset_id} ${p.version} (${p.release_id})`, '', `Manifest: ${link}`, '');
    const entry = changelogEntry(p.dataset_id, p.version);
    if (entry) parts.push(entry, '');
  }
  parts.push('Verify any release with `npx lpdata verify <manifest URL>`.');
  return parts.join('\n');
}

export async function announce(target: GithubTarget, published: Published[], log: Logger): Promise<{ tag: string; created: boolean; url: string }> {
  const octokit = new Octokit({ auth: target.token, baseUrl: target.baseUrl ?? 'https://api.github.com', request: { retries: 0 } });
  const ids = published.map((p) => `${p.dataset_id}@${p.release_id}`).sort();
  const day = published.map((p) => p.release_id.slice(0, 8)).sort().at(-1) ?? 'empty';
  const tag = `data-${day}-${sha256(ids.join('\n')).slice(0, 10)}`;
  try {
    const found = await octokit.rest.repos.getReleaseByTag({ owner: target.owner, repo: target.repo, tag });
    log.info('github release exists', { tag, url: found.data.html_url });
    return { tag, created: false, url: found.data.html_url };
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  const res = await octokit.rest.repos.createRelease({
    owner: target.owner,
    repo: target.repo,
    tag_name: tag,
    name: `Data release ${day}`,
    body: releaseNotes(published, target.publicStoreUrl),
  });
  log.info('github release created', { tag, url: res.data.html_url });
  return { tag, created: true, url: res.data.html_url };
}
