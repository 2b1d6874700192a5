// Live-session metrics on a small embedded network: the published datasets recover the simulator's
// ground truth (session counts exactly, latencies and FPS within stated tolerances), days equal the
// sums of their hours, and the region rules place every host the network uses.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { regionsJob, ruleProblem } from '../../jobs/reference/regions.ts';
import { selectJobs } from '../../jobs/registry.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { allMetrics, loadRegistry } from '../../lib/metrics.ts';
import { METRICS_DIR } from '../../lib/paths.ts';
import { HOUR_MS, isoDay, type Window } from '../../lib/time.ts';
import type { SessionTruth } from '../../network/activity.ts';
import { startNetwork, type EmbeddedNetwork } from '../../network/index.ts';
import { builtFile } from '../built-file.ts';
import { archiveDamage } from '../network/damage.ts';

process.env.LPDATA_LOG_LEVEL = 'error';
const log = logger({ test: 'live_sessions' });
const FETCHED_AT = new Date('2026-11-17T03:00:00Z');

let root: string;
let net: EmbeddedNetwork;
let config: Config;
let window: Window;
let paths: Record<string, string>;
/** Sessions the archive broke an event of (a quarantined line). */
let damaged: SessionTruth[];
/** Status samples lost that way, by session: runner time and output fps. */
let lostSamples: Map<string, { t: number; fps: number }[]>;

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function query(sql: string): Promise<Row[]> {
  const s = await openSession({ allowedPaths: Object.values(paths) });
  try {
    return await queryRows<Row>(s.conn, sql);
  } finally {
    s.close();
  }
}

const parquet = (model: string) => `read_parquet(${sqlString(paths[model]!)})`;
const hourIso = (ms: number) => new Date(ms).toISOString().slice(0, 13);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lp-live-'));
  net = await startNetwork({ dir: join(root, 'network'), world: { seed: 'live-sessions-test', scale: 0.5 }, log });
  config = { ...loadConfig({ LPDATA_DATA_DIR: join(root, 'data') }), ...net.settings, endpoints: net.endpoints };
  window = net.world.window;
  await ingest(selectJobs(['gateway_events', 'reference']), config, window, log, FETCHED_AT);
  const { built } = await buildModels(config, window, log, ['live_orchestrator_hourly', 'live_orchestrator_daily', 'orchestrator_workflow_hourly', 'core_host_regions']);
  paths = Object.fromEntries(built.map((b) => [b.name, builtFile(config.dataDir, b.layer, b.name)]));
  ({ sessions: damaged, lostSamples } = archiveDamage(net));
}, 240_000);

afterAll(async () => {
  await net?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Region of an orchestrator as the world placed it; sessions without one are `unknown`. */
const regionOf = (s: SessionTruth) => (s.orchestrator ? net.world.orchestrators.find((o) => o.address === s.orchestrator)!.region : 'unknown');

/** Groups an affected session could land in (its hour with its orchestrator, or with none). */
function excludedGroups(): Set<string> {
  const out = new Set<string>();
  for (const s of damaged) {
    out.add(`${hourIso(s.hourMs)}|${s.orchestrator ?? ''}`);
    out.add(`${hourIso(s.hourMs)}|`);
  }
  return out;
}

describe('live_orchestrator_hourly against the simulator truth', () => {
  const COUNTS = ['requested_sessions', 'startup_success_sessions', 'startup_failed_sessions', 'startup_excused_sessions', 'no_orch_sessions', 'loading_only_sessions', 'zero_output_fps_sessions', 'output_failed_sessions', 'effective_failed_sessions', 'confirmed_swapped_sessions', 'inferred_swapped_sessions', 'swapped_sessions'] as const;

  function truthCounts(s: SessionTruth): Record<(typeof COUNTS)[number], number> {
    const failedNone = !s.startupSuccess && s.excusal === 'none';
    const swapKind = s.swapsConfirmed > 0 ? 'confirmed' : s.swapsInferred > 0 ? 'inferred' : null;
    return {
      requested_sessions: 1,
      startup_success_sessions: +s.startupSuccess,
      startup_failed_sessions: +failedNone,
      startup_excused_sessions: +(!s.startupSuccess && (s.excusal === 'no_orch' || s.excusal === 'excusable_error')),
      no_orch_sessions: +(s.excusal === 'no_orch'),
      loading_only_sessions: +s.loadingOnly,
      zero_output_fps_sessions: +s.zeroFps,
      output_failed_sessions: +(s.loadingOnly || s.zeroFps),
      effective_failed_sessions: +(failedNone || s.loadingOnly || s.zeroFps),
      confirmed_swapped_sessions: +(swapKind === 'confirmed'),
      inferred_swapped_sessions: +(swapKind === 'inferred'),
      swapped_sessions: +(swapKind !== null),
    };
  }

  it('counts every kind of session exactly, per request hour, orchestrator, region and model', async () => {
    const skip = excludedGroups();
    const want = new Map<string, Record<string, number>>();
    let compared = 0;
    for (const s of net.activity.sessions) {
      if (skip.has(`${hourIso(s.hourMs)}|${s.orchestrator ?? ''}`)) continue;
      compared++;
      const key = `${hourIso(s.hourMs)}|${s.orchestrator ?? ''}|${regionOf(s)}|${s.model}`;
      const acc = want.get(key) ?? Object.fromEntries(COUNTS.map((c) => [c, 0]));
      for (const [c, v] of Object.entries(truthCounts(s))) acc[c] = acc[c]! + v;
      want.set(key, acc);
    }
    const rows = await query(
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS h, coalesce(orchestrator_address, '') AS o, region, model, ${COUNTS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM ${parquet('live_orchestrator_hourly')} WHERE requested_sessions > 0 GROUP BY ALL`,
    );
    const got = new Map<string, Record<string, number>>();
    for (const r of rows) {
      if (skip.has(`${r.h}|${r.o}`)) continue;
      got.set(`${r.h}|${r.o}|${r.region}|${r.model}`, Object.fromEntries(COUNTS.map((c) => [c, Number(r[c])])));
    }
    // The comparison covers nearly every session: broken archive lines touch only a few groups.
    expect(compared).toBeGreaterThan(500);
    expect(compared).toBeGreaterThan(0.8 * net.activity.sessions.length);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    // The truth holds every outcome the metrics distinguish, so none is checked only at zero.
    const totals = [...want.values()].reduce((a, r) => Object.fromEntries(COUNTS.map((c) => [c, (a[c] ?? 0) + r[c]!])), {} as Record<string, number>);
    for (const c of COUNTS) expect(totals[c], c).toBeGreaterThan(0);
  });

  it('recovers startup, E2E and prompt-to-first-frame latency means to within 1 ms per orchestrator and hour', async () => {
    const skip = excludedGroups();
    // The published means are over sessions with a positive value (NaaP); the truth is filtered alike.
    const want = new Map<string, { startup: number[]; e2e: number[]; ptff: number[] }>();
    for (const s of net.activity.sessions) {
      if (!s.orchestrator || skip.has(`${hourIso(s.hourMs)}|${s.orchestrator}`)) continue;
      const key = `${hourIso(s.hourMs)}|${s.orchestrator}`;
      const acc = want.get(key) ?? { startup: [], e2e: [], ptff: [] };
      if (s.startupLatencyMs !== null && s.startupLatencyMs > 0) acc.startup.push(s.startupLatencyMs);
      if (s.e2eLatencyMs !== null && s.e2eLatencyMs > 0) acc.e2e.push(s.e2eLatencyMs);
      if (s.promptToFirstFrameMs !== null && s.promptToFirstFrameMs > 0) acc.ptff.push(s.promptToFirstFrameMs);
      want.set(key, acc);
    }
    const rows = await query(
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS h, orchestrator_address AS o,
         sum(startup_latency_sum_ms) / nullif(sum(startup_latency_count), 0) AS startup,
         sum(e2e_latency_sum_ms) / nullif(sum(e2e_latency_count), 0) AS e2e,
         sum(prompt_to_first_frame_sum_ms) / nullif(sum(prompt_to_first_frame_count), 0) AS ptff
       FROM ${parquet('live_orchestrator_hourly')} WHERE orchestrator_address IS NOT NULL AND requested_sessions > 0 GROUP BY ALL`,
    );
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    let compared = 0;
    for (const r of rows) {
      const key = `${r.h}|${r.o}`;
      if (skip.has(key)) continue;
      const t = want.get(key)!;
      for (const [m, xs] of [['startup', t.startup], ['e2e', t.e2e], ['ptff', t.ptff]] as const) {
        const w = mean(xs);
        if (w === null) expect(num(r[m]), `${key} ${m}`).toBeNull();
        else expect(Math.abs(num(r[m])! - w), `${key} ${m}`).toBeLessThanOrEqual(1);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('recovers status samples and output FPS per orchestrator: exactly per day, within a boundary sample per hour', async () => {
    // The truth files samples under the runner's clock; the data anchors them at the gateway's
    // envelope time, up to ~0.2 s apart, so a sample can cross an hour boundary. Terminal-tail
    // session-hours (never playable, began earlier, ended in the hour, < 3 samples here and in the
    // hour before) are dropped, as RULE-LIFECYCLE-009 says.
    // Samples the archive broke never reach the data, so they leave the truth too.
    const perHour = new Map<string, { samples: number; fps: number }>();
    const perDay = new Map<string, { samples: number; fps: number }>();
    for (const s of net.activity.sessions) {
      if (!s.orchestrator) continue;
      const byHour = Object.fromEntries(Object.entries(s.statusByHour).map(([k, h]) => [k, { ...h }]));
      for (const lost of lostSamples.get(`${s.streamId}|${s.requestId}`) ?? []) {
        const h = byHour[String(Math.floor(lost.t / HOUR_MS) * HOUR_MS)]!;
        h.samples--;
        h.fpsSum -= lost.fps;
      }
      for (const [hourKey, h] of Object.entries(byHour)) {
        const hour = Number(hourKey);
        const before = byHour[String(hour - HOUR_MS)]?.samples ?? 0;
        const tail = !s.startupSuccess && s.startMs < hour && s.endMs < hour + HOUR_MS && h.samples < 3 && before < 3;
        if (tail) continue;
        for (const [map, key] of [[perHour, `${hourIso(hour)}|${s.orchestrator}`], [perDay, s.orchestrator]] as const) {
          const acc = map.get(key) ?? { samples: 0, fps: 0 };
          acc.samples += h.samples;
          acc.fps += h.fpsSum;
          map.set(key, acc);
        }
      }
    }
    const daily = await query(`SELECT orchestrator_address AS o, sum(status_samples) AS n, sum(output_fps_sum) AS f FROM ${parquet('live_orchestrator_daily')} WHERE orchestrator_address IS NOT NULL GROUP BY ALL`);
    expect(daily.length).toBe(perDay.size);
    for (const r of daily) {
      const w = perDay.get(String(r.o))!;
      expect(Number(r.n), String(r.o)).toBe(w.samples);
      expect(Number(r.f)).toBeCloseTo(w.fps, 6);
    }
    const hourly = await query(`SELECT strftime(hour, '%Y-%m-%dT%H') AS h, orchestrator_address AS o, sum(status_samples) AS n, sum(output_fps_sum) / nullif(sum(status_samples), 0) AS fps FROM ${parquet('live_orchestrator_hourly')} WHERE orchestrator_address IS NOT NULL AND status_samples > 0 GROUP BY ALL`);
    for (const r of hourly) {
      const w = perHour.get(`${r.h}|${r.o}`) ?? { samples: 0, fps: 0 };
      expect(Math.abs(Number(r.n) - w.samples), `${r.h} ${r.o}`).toBeLessThanOrEqual(1);
      // One sample moving across a boundary moves the mean by at most its share of the hour's range (fps stays below 40).
      if (w.samples >= 10) expect(Math.abs(num(r.fps)! - w.fps / w.samples), `${r.h} ${r.o}`).toBeLessThanOrEqual(40 / w.samples);
    }
  });

  it('scores every hour with SLA evidence and none without, within bounds', async () => {
    const rows = await query(`SELECT sla_requested_sessions AS n, sla_score AS s, reliability_score AS r, quality_score AS q, health_signal_coverage_ratio AS c, sla_evidence AS e, benchmark_fps_rows AS b FROM ${parquet('live_orchestrator_hourly')}`);
    for (const r of rows) {
      if (Number(r.n) === 0) {
        expect(r.s).toBeNull();
        expect(r.e).toBe('none');
        continue;
      }
      // One day of history only: no benchmark, so quality is exactly neutral and the score is
      // 100 x coverage x (0.7 x reliability + 0.15).
      expect(Number(r.b)).toBe(0);
      expect(num(r.q)).toBe(0.5);
      expect(r.e).toBe('insufficient');
      expect(num(r.s)!).toBeCloseTo(100 * num(r.c)! * (0.7 * num(r.r)! + 0.15), 9);
    }
  });
});

describe('live_orchestrator_daily reconciles with live_orchestrator_hourly', () => {
  const KEYS = ['orchestrator_address', 'attribution_status', 'region', 'pipeline', 'model'];

  it('has every additive part equal to the sum of its hours', async () => {
    const cols = await query(`DESCRIBE SELECT * FROM ${parquet('live_orchestrator_daily')}`);
    const parts = cols
      .map((c) => String(c.column_name))
      .filter((c) => /_(sessions|sum_ms|count|samples|signals|signals_expected|fps_sum|fps_sq_sum)$/.test(c));
    expect(parts.length).toBeGreaterThanOrEqual(30);
    const diff = await query(
      `WITH h AS (SELECT cast(hour AS date) AS day, ${KEYS.join(', ')}, ${parts.map((p) => `sum(${p}) AS ${p}`).join(', ')} FROM ${parquet('live_orchestrator_hourly')} GROUP BY ALL)
       SELECT d.day, d.orchestrator_address, ${parts.map((p) => `d.${p} - h.${p} AS ${p}`).join(', ')}
       FROM ${parquet('live_orchestrator_daily')} AS d FULL JOIN h ON h.day = d.day AND ${KEYS.map((k) => `h.${k} IS NOT DISTINCT FROM d.${k}`).join(' AND ')}`,
    );
    expect(diff.length).toBeGreaterThan(10);
    for (const r of diff) for (const p of parts) expect(Math.abs(num(r[p]) ?? NaN), `${p} ${String(r.orchestrator_address)}`).toBeLessThan(1e-6);
  });

  it('recomputes rates and the SLA score from the summed parts, never by averaging hours', async () => {
    const rows = await query(`SELECT * FROM ${parquet('live_orchestrator_daily')} WHERE sla_requested_sessions > 0`);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      const n = num(r.requested_sessions)!;
      if (n > 0) expect(num(r.startup_success_rate)).toBeCloseTo(num(r.startup_success_sessions)! / n, 12);
      const m = num(r.sla_requested_sessions)!;
      const reliability = 0.4 * (num(r.sla_startup_success_sessions)! / m) + 0.2 * (1 - num(r.sla_swapped_sessions)! / m) + 0.4 * (1 - num(r.sla_output_failed_sessions)! / m);
      expect(num(r.reliability_score)).toBeCloseTo(reliability, 12);
      expect(num(r.sla_score)).toBeCloseTo(100 * Math.min(num(r.sla_health_signals)! / num(r.sla_health_signals_expected)!, 1) * (0.7 * reliability + 0.3 * num(r.quality_score)!), 9);
    }
  });

  it('matches every derived metric to its registry formula, evaluated as SQL over the row', async () => {
    const derived = allMetrics(loadRegistry(METRICS_DIR)).filter((m) => m.family === 'live_sessions' && (m.aggregation === 'ratio' || m.aggregation === 'mean_of_parts'));
    expect(derived.length).toBeGreaterThanOrEqual(15);
    for (const dataset of ['live_orchestrator_hourly', 'live_orchestrator_daily']) {
      for (const m of derived) {
        const [r] = await query(`SELECT count(*) AS n FROM ${parquet(dataset)} WHERE NOT ((${m.formula}) IS NOT DISTINCT FROM ${m.id} OR abs((${m.formula}) - ${m.id}) <= 1e-9)`);
        expect(Number(r!.n), `${dataset}.${m.id} = ${m.formula}`).toBe(0);
      }
    }
  });

  it('keeps orchestrator_workflow_hourly equal to the request-hour counts summed over regions', async () => {
    const diff = await query(
      `WITH l AS (SELECT hour, orchestrator_address, attribution_status, pipeline, model, sum(requested_sessions) AS r, sum(startup_success_sessions) AS s FROM ${parquet('live_orchestrator_hourly')} WHERE requested_sessions > 0 GROUP BY ALL)
       SELECT * FROM ${parquet('orchestrator_workflow_hourly')} AS w FULL JOIN l ON l.hour = w.hour AND l.orchestrator_address IS NOT DISTINCT FROM w.orchestrator_address AND l.attribution_status = w.attribution_status AND l.pipeline = w.pipeline AND l.model = w.model
       WHERE l.r IS DISTINCT FROM w.requested_sessions OR l.s IS DISTINCT FROM w.startup_success_sessions`,
    );
    expect(diff).toEqual([]);
  });
});

describe('region rules', () => {
  it('places every embedded orchestrator URI and gateway host in its world region', async () => {
    const rows = await query(`SELECT host_kind, host_key, region, rule_origin FROM ${parquet('core_host_regions')}`);
    const region = new Map(rows.map((r) => [`${r.host_kind}|${r.host_key}`, String(r.region)]));
    for (const o of net.world.orchestrators) expect(region.get(`orchestrator|${o.serviceUri.toLowerCase()}`), o.serviceUri).toBe(o.region);
    for (const g of net.world.gateways) expect(region.get(`gateway|${g.host}`), g.host || '(empty host)').toBe(g.host ? g.region : 'unknown');
    // Orchestrators by the committed rules; named gateways by the network's operator file.
    expect(new Set(rows.filter((r) => r.host_kind === 'orchestrator').map((r) => r.rule_origin))).toEqual(new Set(['committed']));
    expect(rows.some((r) => r.host_kind === 'gateway' && r.rule_origin === 'operator')).toBe(true);
  });

  it('quarantines bad operator rules with the reason and keeps the rest, operator rules first', async () => {
    const dir = join(root, 'bad-rules');
    const file = join(root, 'operator-regions.yml');
    await writeFile(
      file,
      [
        'rules:',
        '  - { id: ok-gateway, applies_to: gateway, match: host, pattern: gw.example.org, region: FRA }',
        '  - { id: code-fra, applies_to: gateway, match: host, pattern: gw2.example.org, region: LON }',
        "  - { id: lookahead, match: regex, pattern: 'fra(?=\\.)', region: FRA }",
        '  - { id: lower-region, match: host_suffix, pattern: .example.org, region: fra }',
        '  - { id: ok-gateway, match: any, region: unknown }',
      ].join('\n') + '\n',
    );
    const day = { from: window.from, to: window.to };
    const r = await regionsJob.run({ config: { ...config, dataDir: dir, endpoints: { ...config.endpoints, regions: file } }, window: day, log, fetchedAt: FETCHED_AT });
    const m = r.manifests[0]!;
    expect(m.quarantine_reasons).toEqual({
      'operator rule: regex uses look-around or a back-reference, which RE2 does not support': 1,
      'operator rule: region must be an upper-case region code or "unknown"': 1,
      'operator rule: duplicate id ok-gateway': 1,
    });
    expect(r.read).toBe(r.rows + r.quarantined);
    expect(m.endpoint).toBe(`${file} (operator) + jobs/reference/regions.yml (committed)`);
    const records = gunzipSync(await readFile(join(dir, 'raw', 'reference', 'regions', `date=${isoDay(window.from)}`, 'records.ndjson.gz')))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rank: number; id: string; origin: string });
    expect(records[0]).toMatchObject({ rank: 1, id: 'ok-gateway', origin: 'operator' });
    // An operator rule may reuse a committed rule's id; both are kept, the operator's first.
    expect(records[1]).toMatchObject({ rank: 2, id: 'code-fra', origin: 'operator' });
    expect(records.slice(2).every((x) => x.origin === 'committed')).toBe(true);
    expect(records.filter((x) => x.id === 'code-fra').map((x) => x.origin)).toEqual(['operator', 'committed']);
    expect(records.map((x) => x.rank)).toEqual(records.map((_, i) => i + 1));
    expect(records[records.length - 1]).toMatchObject({ id: 'fallback' });
  });

  it('refuses a rule that the models could not apply', () => {
    const seen = new Set<string>();
    expect(ruleProblem({ id: 'a', match: 'regex', pattern: 'fra\\1', region: 'FRA' }, seen)).toMatch(/back-reference/);
    expect(ruleProblem({ id: 'a', match: 'host_suffix', pattern: '.FRA.example', region: 'FRA' }, seen)).toMatch(/lowercase/);
    expect(ruleProblem({ id: 'a', match: 'any', pattern: 'x', region: 'unknown' }, seen)).toMatch(/no pattern/);
    expect(ruleProblem({ id: 'a', match: 'near', pattern: 'x', region: 'FRA' }, seen)).toMatch(/match must be/);
    expect(ruleProblem({ id: 'a', applies_to: 'gateway', match: 'host', pattern: 'gw.example', region: 'FRA', note: 'n' }, seen)).toBeUndefined();
    expect(ruleProblem({ id: 'a', match: 'any', region: 'unknown' }, new Set(['a']))).toMatch(/duplicate/);
  });
});
