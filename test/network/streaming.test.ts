// The embedded network streams its window day by day: what it writes to the archive is exactly
// the events the in-memory simulation makes (sessions that straddle midnight included), the same
// world writes the same bytes, and --events-per-day sizes the network within 10 %.
import { createHash } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/time.ts';
import { ArchiveWriter } from '../../network/archive.ts';
import { Holdback } from '../../network/holdback.ts';
import { runSimulation, simulate } from '../../network/simulate.ts';
import { createWorld, type World } from '../../network/world.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Streams a world into a fresh archive folder, as startNetwork does. */
async function stream(world: World) {
  const dir = await mkdtemp(join(tmpdir(), 'lp-stream-'));
  dirs.push(dir);
  const writer = new ArchiveWriter(dir, world.options.seed, { duplicateP: 0.002, lateP: 0.005, brokenPer10k: 0 });
  runSimulation(world, { event: (e, org) => writer.event(e, org), advance: (t) => writer.advance(t) });
  return { dir, summary: await writer.finish() };
}

/** Each file's sha256 (deep-comparing megabytes of Buffers is slow). */
async function archiveBytes(dir: string, files: string[]) {
  return Promise.all(files.map(async (f) => createHash('sha256').update(await readFile(join(dir, f))).digest('hex')));
}

describe('the streamed archive', () => {
  // A seed whose window has sessions running across midnight (few do at this size: nights are quiet).
  const world = createWorld({ seed: 'streaming-1', scale: 0.4, start: '2026-11-16', days: 2 });

  it('holds exactly the events of the in-memory simulation, each once after de-duplication, with sessions crossing midnight', async () => {
    const { dir, summary } = await stream(world);
    const byId = new Map<string, string>();
    for (const f of summary.files) {
      for (const line of gunzipSync(await readFile(join(dir, f))).toString('utf8').split('\n').filter(Boolean)) {
        const id = (JSON.parse(line) as { id: string }).id;
        if (byId.has(id)) expect(byId.get(id)).toBe(line);
        byId.set(id, line);
      }
    }
    const { events, sessions } = simulate(world);
    expect(byId.size).toBe(events.length);
    for (const e of events) expect(byId.get(e.id)).toBe(JSON.stringify(e));
    expect(summary.events).toBe(events.length);
    // A session started before midnight whose events land in the next day's hour folders.
    const midnight = world.window.from + DAY_MS;
    const straddling = sessions.filter((s) => s.startMs < midnight && s.endMs > midnight);
    expect(straddling.length).toBeGreaterThan(0);
    const late = events.filter((e) => Number(e.timestamp) > midnight && (e.data as { request_id?: string })?.request_id === straddling[0]!.requestId);
    expect(late.length).toBeGreaterThan(0);
    // Files are named by topic, partition and a start offset that runs on across the window.
    const offsets = new Map<string, number[]>();
    for (const f of summary.files) {
      const [, tp, off] = /\/([a-z_]+\+\d)\+(\d{10})\.json\.gz$/.exec(f)!;
      offsets.set(tp!, [...(offsets.get(tp!) ?? []), Number(off)]);
    }
    for (const list of offsets.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  });

  it('is the same bytes for the same world', async () => {
    const a = await stream(world);
    const b = await stream(createWorld(world.options));
    expect(b.summary.files).toEqual(a.summary.files);
    expect(await archiveBytes(b.dir, b.summary.files)).toEqual(await archiveBytes(a.dir, a.summary.files));
    expect(await readdir(a.dir)).toEqual(['topics']);
  });
});

describe('Holdback', () => {
  it('releases items in time order once the watermark passes their minute, and refuses an item behind it', () => {
    const h = new Holdback<string>((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    h.push(125_000, 'c');
    h.push(10_000, 'b');
    h.push(10_000, 'a');
    expect([...h.release(100_000)]).toEqual(['a', 'b']);
    expect(() => h.push(59_000, 'late')).toThrow(/watermark/);
    h.push(70_000, 'd');
    expect([...h.drain()]).toEqual(['d', 'c']);
  });
});

describe('--events-per-day', () => {
  /** Gateway events the world makes on its first day. */
  function eventsOn(world: World): number {
    let n = 0;
    runSimulation(world, { event: () => n++ });
    return n / world.options.days;
  }

  it.each([150_000, 900_000])('makes %i events a day within 10 %', (perDay) => {
    const world = createWorld({ seed: `calibrate-${perDay}`, eventsPerDay: perDay });
    expect(Math.abs(eventsOn(world) / perDay - 1)).toBeLessThan(0.1);
  });

  it('grows the network up to today\'s size, then the demand per orchestrator', () => {
    const small = createWorld({ eventsPerDay: 150_000 });
    const big = createWorld({ eventsPerDay: 4_600_000 });
    expect(small.options.scale).toBeLessThan(2);
    expect(big.options.scale).toBe(7);
    expect(big.orchestrators.length).toBe(84);
    expect(big.demand).toBeGreaterThan(4);
    // With a scale given, only the demand moves.
    const fixed = createWorld({ scale: 2, eventsPerDay: 150_000 });
    expect(fixed.options.scale).toBe(2);
    expect(Math.abs(eventsOn(fixed) / 150_000 - 1)).toBeLessThan(0.1);
  });
});
