// Every `§N.M` citation in the repository names a section of docs/sources.md, the one source reference.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';

const REFERENCE = 'docs/sources.md';

function sectionNumbers(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)) out.add(m[1]!);
  return out;
}

function citations(): { file: string; section: string }[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|sql|yml|yaml|md)$/.test(f) && f !== REFERENCE);
  const out: { file: string; section: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, file), 'utf8');
    } catch {
      continue; // listed by git but deleted in the work tree
    }
    for (const m of text.matchAll(/§\s?(\d+(?:\.\d+)*)/g)) out.push({ file, section: m[1]!.replace(/\.$/, '') });
  }
  return out;
}

describe('source reference', () => {
  const sections = sectionNumbers(readFileSync(join(REPO_ROOT, REFERENCE), 'utf8'));

  it('has the numbered sections the code cites', () => {
    const cited = citations();
    expect(cited.length).toBeGreaterThan(100);
    const missing = cited.filter((c) => !sections.has(c.section)).map((c) => `${c.file}: §${c.section}`);
    expect(missing).toEqual([]);
  });

  it('cites the repository reference, not the planning notes outside it', () => {
    // git grep exits 1 when nothing matches; the name is split so this file does not match itself.
    const notes = ['livepeer', 'sources'].join('-');
    const r = spawnSync('git', ['grep', '-l', notes, '--', '.', `:!${REFERENCE}`], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
  });
});
