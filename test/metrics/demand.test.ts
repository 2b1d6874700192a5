// Demand per gateway and ticket economics recover the embedded network's ground truth: session
// counts per request hour, gateway and workflow, and every ticket batch's count, tickets, face value
// and expected value, exactly; session minutes within a stated tolerance. Daily rows reconcile with
// the hourly rows they are built from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { buildModels, ingest } from '../../jobs/pipeline.ts';
import { loadConfig } from '../../lib/config.ts';
import { openSession, queryRows, sqlString } from '../../lib/duckdb.ts';
import { logger } from '../../lib/log.ts';
import { HOUR_MS, type Window } from '../../lib/time.ts';
import type { Activity, Payment, SessionTruth } from '../../network/activity.ts';
import { DEFAULT_FAULTS, writeArchive } from '../../network/archive.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld, type World } from '../../network/world.ts';
import { builtFile } from '../built-file.ts';

const log = logger({ test: 'metrics-demand' });
const DATASETS = ['gateway_demand_hourly', 'gateway_demand_daily', 'gateway_orchestrator_payments_daily'];

let dir: string;
let world: World;
let activity: Activity;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lp-demand-'));
  world = createWorld({ seed: 'metrics-demand', scale: 0.5 });
  activity = simulate(world);
  // Duplicates and late arrivals stay on; broken lines are off so that every simulated session and
  // batch reaches the models (their quarantine is tested in test/gateway-events and test/e2e).
  await writeArchive(join(dir, 'archives'), activity, world.options.seed, { ...DEFAULT_FAULTS, brokenPer10k: 0 });
  const config = { ...loadConfig({ LPDATA_DATA_DIR: join(dir, 'data') }), endpoints: { gatewayEvents: join(dir, 'archives') } };
  dataDir = config.dataDir;
  await ingest([gatewayEventsJob], config, world.window, log, new Date('2026-11-17T03:00:00Z'));
  await buildModels(config, world.window, log, DATASETS);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rows<T>(dataset: string, sql: string): Promise<T[]> {
  const path = builtFile(dataDir, 'published', dataset);
  const s = await openSession({ allowedPaths: [path] });
  try {
    return await queryRows<T>(s.conn, sql.replace('DATASET', `read_parquet(${sqlString(path)})`));
  } finally {
    s.close();
  }
}

const hourKey = (t: number) => new Date(Math.floor(t / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
const inWindow = (w: Window, t: number) => t >= w.from && t < w.to;

/** Expected value in wei with 10 decimals, exactly: faceValue x winProb (10 decimals) x numTickets. */
function expectedValue(p: Payment): bigint {
  return p.faceValueWei * BigInt(Math.round(p.winProb * 1e10)) * BigInt(p.numTickets);
}
const tenDecimals = (v: bigint) => `${v / 10n ** 10n}.${(v % 10n ** 10n).toString().padStart(10, '0')}`;

interface TicketSums {
  events: number;
  /** Batches whose workflow only their orchestrator session's start payment names. */
  bySession: number;
  tickets: number;
  face: bigint;
  ev: bigint;
}

function sumTickets(list: Payment[], key: (p: Payment) => string): Map<string, TicketSums> {
  const out = new Map<string, TicketSums>();
  for (const p of list) {
    const k = key(p);
    const t = out.get(k) ?? { events: 0, bySession: 0, tickets: 0, face: 0n, ev: 0n };
    t.events++;
    if (p.attribution === 'session') t.bySession++;
    t.tickets += p.numTickets;
    t.face += p.faceValueWei * BigInt(p.numTickets);
    t.ev += expectedValue(p);
    out.set(k, t);
  }
  return out;
}

describe('gateway demand on the embedded network', () => {
  it('counts requested, served, unserved and effectively failed sessions exactly per hour, gateway and model', async () => {
    const sessions = activity.sessions.filter((s) => inWindow(world.window, s.startMs));
    expect(sessions.length).toBeGreaterThan(300);
    const key = (hour: string, host: string, model: string) => `${hour}|${host}|${model}`;
    const want = new Map<string, number[]>();
    const effectivelyFailed = (s: SessionTruth) => (!s.startupSuccess && s.excusal === 'none') || s.zeroFps || s.loadingOnly;
    for (const s of sessions) {
      const k = key(hourKey(s.startMs), world.gateways[s.gatewayIndex]!.host, s.model);
      const r = want.get(k) ?? [0, 0, 0, 0];
      r[0]! += 1;
      r[1]! += s.startupSuccess ? 1 : 0;
      r[2]! += s.excusal === 'no_orch' ? 1 : 0;
      r[3]! += effectivelyFailed(s) ? 1 : 0;
      want.set(k, r);
    }
    const got = await rows<{ hour: string; gateway_host: string; model: string; r: bigint; s: bigint; u: bigint; f: bigint }>(
      'gateway_demand_hourly',
      `SELECT strftime(hour, '%Y-%m-%dT%H') AS hour, gateway_host, model, requested_sessions AS r, served_sessions AS s, unserved_sessions AS u, effective_failed_sessions AS f
       FROM DATASET WHERE pipeline = 'live-video-to-video' AND requested_sessions > 0`,
    );
    expect(Object.fromEntries(got.map((g) => [key(g.hour, g.gateway_host, g.model), [g.r, g.s, g.u, g.f].map(Number)]))).toEqual(Object.fromEntries(want));
    // Every gateway host of the world is a demand key, the empty host included.
    expect(new Set(got.map((g) => g.gateway_host))).toEqual(new Set(world.gateways.map((g) => g.host)));
  });

  it('recovers session minutes within 0.25 min per session', async () => {
    // Last seen is the close edge (sent for 90 % of sessions), else the last status sample or trace:
    // at most one 10 s status interval (plus runner clock skew under 0.2 s) before the true end.
    const want = new Map<string, { minutes: number; n: number }>();
    for (const s of activity.sessions.filter((x) => inWindow(world.window, x.startMs))) {
      const k = `${hourKey(s.startMs)}|${world.gateways[s.gatewayIndex]!.host}|${s.model}`;
      const r = want.get(k) ?? { minutes: 0, n: 0 };
      r.minutes += Math.max(0, s.endMs - s.startMs) / 60_000;
      r.n++;
      want.set(k, r);
    }
    const got = await rows<{ k: string; m: number }>(
      'gateway_demand_hourly',
      `SELECT strftime(hour, '%Y-%m-%dT%H') || '|' || gateway_host || '|' || model AS k, session_minutes AS m FROM DATASET WHERE requested_sessions > 0`,
    );
    expect(got.length).toBe(want.size);
    let total = 0;
    for (const g of got) {
      const w = want.get(g.k)!;
      expect(Math.abs(g.m - w.minutes), g.k).toBeLessThanOrEqual(0.25 * w.n);
      total += g.m;
    }
    const trueTotal = [...want.values()].reduce((a, r) => a + r.minutes, 0);
    expect(Math.abs(total - trueTotal) / trueTotal).toBeLessThan(0.01);
  });

  it('recovers every ticket batch per day, sender, recipient and workflow exactly, in wei', async () => {
    const paid = activity.payments.filter((p) => inWindow(world.window, p.atMs));
    expect(paid.length).toBeGreaterThan(1000);
    // Both unit forms of faceValue occur: below 0.01 ETH in WEI, above in ETH.
    expect(paid.some((p) => p.faceValueWei < 10n ** 16n) && paid.some((p) => p.faceValueWei >= 10n ** 16n)).toBe(true);
    const day = new Date(world.window.from).toISOString().slice(0, 10);
    const want = sumTickets(paid, (p) => `${day}|${p.sender}|${p.recipient}|${p.pipeline}|${p.model}`);
    const got = await rows<{ k: string; events: bigint; bySession: bigint; unattributed: bigint; tickets: bigint; face: string; ev: string; unparsed: bigint }>(
      'gateway_orchestrator_payments_daily',
      `SELECT strftime(day, '%Y-%m-%d') || '|' || gateway_address || '|' || orchestrator_address || '|' || pipeline || '|' || model AS k,
              payment_events AS events, session_attributed_payment_events AS bySession, unattributed_payment_events AS unattributed,
              tickets_sent AS tickets, CAST(ticket_face_value_wei AS VARCHAR) AS face,
              CAST(expected_value_wei AS VARCHAR) AS ev, unparsed_payment_events AS unparsed
       FROM DATASET`,
    );
    expect(Object.fromEntries(got.map((g) => [g.k, [Number(g.events), Number(g.bySession), Number(g.unattributed), Number(g.tickets), g.face, g.ev, Number(g.unparsed)]]))).toEqual(
      Object.fromEntries([...want].map(([k, t]) => [k, [t.events, t.bySession, 0, t.tickets, t.face.toString(), tenDecimals(t.ev), 0]])),
    );
  });

  it('puts each gateway host\'s tickets in its demand rows and names its sender', async () => {
    const paid = activity.payments.filter((p) => inWindow(world.window, p.atMs));
    const want = sumTickets(paid, (p) => `${hourKey(p.atMs)}|${world.gateways[p.gatewayIndex]!.host}|${p.pipeline}|${p.model}`);
    const got = await rows<{ k: string; events: bigint; bySession: bigint; tickets: bigint; face: string; ev: string; host: string; address: string | null }>(
      'gateway_demand_hourly',
      `SELECT strftime(hour, '%Y-%m-%dT%H') || '|' || gateway_host || '|' || pipeline || '|' || model AS k, payment_events AS events,
              session_attributed_payment_events AS bySession, tickets_sent AS tickets,
              CAST(ticket_face_value_wei AS VARCHAR) AS face, CAST(expected_value_wei AS VARCHAR) AS ev, gateway_host AS host, gateway_address AS address
       FROM DATASET WHERE payment_events > 0`,
    );
    expect(Object.fromEntries(got.map((g) => [g.k, [Number(g.events), Number(g.bySession), Number(g.tickets), g.face, g.ev]]))).toEqual(
      Object.fromEntries([...want].map(([k, t]) => [k, [t.events, t.bySession, t.tickets, t.face.toString(), tenDecimals(t.ev)]])),
    );
    // Each simulated gateway has its own host, so every host maps to that gateway's sender.
    for (const g of got) expect(g.address, g.host).toBe(world.gateways.find((x) => x.host === g.host)!.address);
  });

  it('keeps a live session\'s payment loop, sent under the orchestrator\'s live manifest id, in the session\'s workflow row', async () => {
    // The wire shape go-livepeer sends (server/live_payment.go): most batches of a live session carry an
    // 8-hex manifest id and an empty requestID, and share the start payment's sessionID.
    const live = activity.events.filter((e) => e.type === 'create_new_payment').map((e) => e.data as Record<string, string>);
    const opaque = live.filter((d) => /^[0-9a-f]{8}$/.test(d.manifestID!));
    expect(opaque.length).toBeGreaterThan(live.length / 2);
    expect(opaque.every((d) => d.requestID === '' && d.capability === '')).toBe(true);
    const named = new Set(live.filter((d) => /^\d+_/.test(d.manifestID!)).map((d) => `${d.recipient}|${d.sessionID}`));
    expect(opaque.filter((d) => named.has(`${d.recipient}|${d.sessionID}`)).length).toBeGreaterThan(opaque.length / 2);
    // Every in-window session with a start payment in the window: all its batches land in its own
    // demand row (hour of each batch, same host, pipeline and model), none under '' or unknown.
    const bad = await rows<{ n: bigint }>('gateway_demand_hourly', `SELECT count(*) AS n FROM DATASET WHERE payment_events > 0 AND (pipeline IN ('', 'unknown') OR unattributed_payment_events > 0)`);
    expect(Number(bad[0]!.n)).toBe(0);
    const by = await rows<{ session: bigint; stream: bigint }>('gateway_demand_hourly', `SELECT sum(session_attributed_payment_events) AS session, sum(stream_attributed_payment_events) AS stream FROM DATASET`);
    expect(Number(by[0]!.session)).toBe(activity.payments.filter((p) => inWindow(world.window, p.atMs) && p.attribution === 'session').length);
    // Every start payment arrived, so no batch needed the stream fallback.
    expect(Number(by[0]!.stream)).toBe(0);
  });

  it('builds daily rows from the hourly parts', async () => {
    const sums = await rows<Record<string, unknown>>(
      'gateway_demand_hourly',
      `SELECT strftime(hour, '%Y-%m-%d') || '|' || gateway_host || '|' || pipeline || '|' || model AS k,
              sum(requested_sessions) AS requested, sum(served_sessions) AS served, sum(unserved_sessions) AS unserved,
              sum(effective_failed_sessions) AS failed, round(sum(session_minutes), 6) AS minutes, sum(payment_events) AS events,
              sum(tickets_sent) AS tickets, CAST(sum(ticket_face_value_wei) AS VARCHAR) AS face, CAST(sum(expected_value_wei) AS VARCHAR) AS ev
       FROM DATASET GROUP BY ALL ORDER BY k`,
    );
    const daily = await rows<Record<string, unknown>>(
      'gateway_demand_daily',
      `SELECT strftime(day, '%Y-%m-%d') || '|' || gateway_host || '|' || pipeline || '|' || model AS k,
              requested_sessions AS requested, served_sessions AS served, unserved_sessions AS unserved,
              effective_failed_sessions AS failed, round(session_minutes, 6) AS minutes, payment_events AS events,
              tickets_sent AS tickets, CAST(ticket_face_value_wei AS VARCHAR) AS face, CAST(expected_value_wei AS VARCHAR) AS ev
       FROM DATASET ORDER BY k`,
    );
    const norm = (list: Record<string, unknown>[]) => list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    expect(daily.length).toBeGreaterThan(0);
    expect(norm(daily)).toEqual(norm(sums));
    const rates = await rows<{ bad: bigint }>(
      'gateway_demand_daily',
      `SELECT count(*) AS bad FROM DATASET WHERE requested_sessions > 0
         AND abs(effective_success_rate - (requested_sessions - effective_failed_sessions) / requested_sessions) > 1e-12`,
    );
    expect(Number(rates[0]!.bad)).toBe(0);
  });
});
