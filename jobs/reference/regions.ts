// Region rules (jobs/reference/regions.yml, and an operator's own rules from LPDATA_REGIONS placed
// before them) snapshotted into raw, one record per rule in precedence order, so models read the
// mapping like any other source and each release can say which rules it used.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../../lib/errors.ts';
import { redactUrl, request } from '../../lib/http.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { writeSnapshot, type SnapshotManifest } from '../../lib/snapshot.ts';
import { days, iso, isoDay } from '../../lib/time.ts';
import { summarise, type Job, type JobContext, type JobResult } from '../job.ts';

const SOURCE = 'reference';
const ENTITY = 'regions';
const VERSION = '1.0.0';

/** The committed rules, applied after any operator rules. */
export const COMMITTED_RULES = join(REPO_ROOT, 'jobs', 'reference', 'regions.yml');

export const MATCH_KINDS = ['host', 'host_suffix', 'regex', 'any'] as const;
export const APPLIES_TO = ['orchestrator', 'gateway', 'any'] as const;

/** One rule as stored in raw: the file's fields plus where it came from and its precedence. */
export interface RegionRuleRecord {
  as_of: string;
  rank: number;
  origin: 'operator' | 'committed';
  id: string;
  applies_to: (typeof APPLIES_TO)[number];
  match: (typeof MATCH_KINDS)[number];
  pattern: string | null;
  region: string;
  note: string;
}

interface Loaded {
  location: string;
  origin: RegionRuleRecord['origin'];
  rules: unknown[];
}

async function readRules(location: string, origin: RegionRuleRecord['origin']): Promise<Loaded> {
  const remote = /^https?:\/\//i.test(location);
  const shown = remote ? redactUrl(location) : location;
  let text: string;
  try {
    text = remote ? (await request(location, { retries: 3 })).text : await readFile(location, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read region rules from ${shown}: ${err instanceof Error ? err.message : String(err)}`, 'point LPDATA_REGIONS at a readable YAML or JSON file (or http(s) URL) in the format of jobs/reference/regions.yml');
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UserError(`region rules in ${shown} are not YAML or JSON: ${err instanceof Error ? err.message : String(err)}`, 'fix the file; see jobs/reference/regions.yml for the format');
  }
  const rules = (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new UserError(`region rules in ${shown} have no \`rules:\` list`, 'give the file a top-level `rules:` list, as in jobs/reference/regions.yml');
  return { location: shown, origin, rules };
}

/** Why a rule cannot be used, or undefined. RE2 (DuckDB's engine) lacks look-around and back-references. */
export function ruleProblem(r: unknown, seen: Set<string>): string | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'rule is not an object';
  const o = r as Record<string, unknown>;
  if (typeof o.id !== 'string' || !/^[a-z0-9][a-z0-9_.-]*$/.test(o.id)) return 'id missing or not lowercase letters, digits, ".", "_", "-"';
  if (seen.has(o.id)) return `duplicate id ${o.id}`;
  if (o.applies_to !== undefined && !(APPLIES_TO as readonly unknown[]).includes(o.applies_to)) return `applies_to must be one of ${APPLIES_TO.join(', ')}`;
  if (!(MATCH_KINDS as readonly unknown[]).includes(o.match)) return `match must be one of ${MATCH_KINDS.join(', ')}`;
  if (o.match === 'any') {
    if (o.pattern !== undefined && o.pattern !== null) return 'match any takes no pattern';
  } else if (typeof o.pattern !== 'string' || o.pattern === '') return 'pattern missing';
  else if (o.pattern !== o.pattern.toLowerCase()) return 'pattern must be lowercase (hosts are compared lower-cased)';
  if (o.match === 'regex') {
    const p = o.pattern as string;
    if (/\(\?[=!<]|\\[1-9]/.test(p)) return 'regex uses look-around or a back-reference, which RE2 does not support';
    try {
      new RegExp(p);
    } catch {
      return 'regex does not compile';
    }
  }
  if (typeof o.region !== 'string' || !/^([A-Z][A-Z0-9]{1,7}|unknown)$/.test(o.region)) return 'region must be an upper-case region code or "unknown"';
  if (o.note !== undefined && typeof o.note !== 'string') return 'note must be text';
  return undefined;
}

async function run(ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { config, window, log } = ctx;
  const sources: Loaded[] = [];
  if (config.endpoints.regions) sources.push(await readRules(config.endpoints.regions, 'operator'));
  sources.push({ ...(await readRules(COMMITTED_RULES, 'committed')), location: relative(REPO_ROOT, COMMITTED_RULES) });

  const accepted: Omit<RegionRuleRecord, 'as_of'>[] = [];
  const rejected: { raw: string; reason: string }[] = [];
  for (const s of sources) {
    // Ids are unique per file: an operator may reuse a committed rule's name without breaking it.
    const seen = new Set<string>();
    for (const r of s.rules) {
      const why = ruleProblem(r, seen);
      if (why) {
        rejected.push({ raw: JSON.stringify(r), reason: `${s.origin} rule: ${why}` });
        continue;
      }
      const o = r as Record<string, string | undefined>;
      seen.add(o.id!);
      accepted.push({
        rank: accepted.length + 1,
        origin: s.origin,
        id: o.id!,
        applies_to: (o.applies_to ?? 'any') as RegionRuleRecord['applies_to'],
        match: o.match as RegionRuleRecord['match'],
        pattern: o.match === 'any' ? null : o.pattern!,
        region: o.region!,
        note: o.note ?? '',
      });
    }
  }
  // A committed file that loses a rule would silently change regions: fail instead.
  const committedRejected = rejected.filter((r) => r.reason.startsWith('committed'));
  if (committedRejected.length > 0) {
    throw new UserError(`jobs/reference/regions.yml has ${committedRejected.length} invalid rule(s): ${committedRejected.map((r) => r.reason).join('; ')}`, 'fix the committed rules file');
  }

  const manifests: SnapshotManifest[] = [];
  for (const day of days(window)) {
    const date = isoDay(day.from);
    const records = accepted.map((r) => JSON.stringify({ as_of: date, ...r }));
    manifests.push(
      await writeSnapshot(
        { dataDir: config.dataDir, source: SOURCE, entity: ENTITY, partition: `date=${date}` },
        {
          job: `${SOURCE}.${ENTITY}`,
          jobVersion: VERSION,
          endpoint: sources.map((s) => `${s.location} (${s.origin})`).join(' + '),
          window: { from: iso(day.from), to: iso(day.to) },
          extra: { rules: accepted.length, origins: sources.map((s) => s.origin) },
        },
        records,
        rejected,
        ctx.fetchedAt,
      ),
    );
  }
  log.info('region rules snapshotted', { rules: accepted.length, rejected: rejected.length, partitions: manifests.length });
  return summarise(`${SOURCE}.${ENTITY}`, manifests, started);
}

export const regionsJob: Job = {
  name: `${SOURCE}.${ENTITY}`,
  source: SOURCE,
  entity: ENTITY,
  version: VERSION,
  description: 'Region rules for orchestrator URIs and gateway hosts (committed file, after LPDATA_REGIONS operator rules)',
  run,
};
