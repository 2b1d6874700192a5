// Independent check of a bundle: the records file against its count and sha256, each record against
// its own hash (so a change is named), and the published summary recomputed from the records.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../lib/errors.ts';
import { sha256, stableJson } from '../../lib/hash.ts';
import { summarise, type RequestRecord } from './summary.ts';

export interface BundleReport {
  bundle: string;
  run_id: string;
  ok: boolean;
  problems: string[];
}

export function verifyBundle(dir: string): BundleReport {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) throw new UserError(`${dir} has no manifest.json`, 'pass the folder of one run: <bundles>/runs/<run_id>');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  const problems: string[] = [];
  const file = join(dir, m.records?.file ?? 'requests.ndjson');
  const body = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (body === null) problems.push(`records file ${m.records?.file} is missing`);
  else {
    if (sha256(body) !== m.records.sha256) problems.push(`records file sha256 ${sha256(body)} does not match the manifest's ${m.records.sha256}`);
    const lines = body.split('\n').filter((l) => l !== '');
    if (lines.length !== m.records.count) problems.push(`records file has ${lines.length} records, the manifest says ${m.records.count}`);
    const hashes: string[] = m.records.line_sha256 ?? [];
    lines.forEach((l, i) => {
      if (hashes[i] !== undefined && sha256(l) !== hashes[i]) {
        let seq: unknown = i;
        try {
          seq = (JSON.parse(l) as RequestRecord).seq;
        } catch {
          seq = `line ${i + 1}`;
        }
        problems.push(`record ${i + 1} (seq ${String(seq)}) does not match its hash`);
      }
    });
    let records: RequestRecord[] = [];
    try {
      records = lines.map((l) => JSON.parse(l) as RequestRecord);
    } catch {
      problems.push('a record is not JSON');
    }
    const recomputed = summarise(records);
    for (const [k, v] of Object.entries(recomputed)) {
      if (stableJson(v, 0) !== stableJson(m.summary?.[k] ?? null, 0)) problems.push(`summary.${k} is ${stableJson(m.summary?.[k] ?? null, 0)} but the records give ${stableJson(v, 0)}`);
    }
  }
  return { bundle: dir, run_id: m.run_id, ok: problems.length === 0, problems };
}
