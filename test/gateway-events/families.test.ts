// Every family the gateway topics carry is known: the connector, the staging model that counts
// families and the released dataset name the same raw entities, and the embedded network's
// non-modelled families (Daydream's, and a rare undocumented type) reach raw storage, not quarantine.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDescriptors } from '../../datasets/publish.ts';
import { gatewayEventsJob } from '../../jobs/gateway-events/archive.ts';
import { FAMILY_ENTITIES, familyStatus, UNKNOWN_ENTITY } from '../../jobs/gateway-events/families.ts';
import { loadConfig } from '../../lib/config.ts';
import { discoverModels } from '../../lib/contracts.ts';
import { logger } from '../../lib/log.ts';
import { MODELS_DIR } from '../../lib/paths.ts';
import type { JobResult } from '../../jobs/job.ts';
import type { Activity } from '../../network/activity.ts';
import { DEFAULT_FAULTS, writeArchive } from '../../network/archive.ts';
import { simulate } from '../../network/simulate.ts';
import { createWorld, type World } from '../../network/world.ts';

const log = logger({ test: 'gateway-event-families' });

describe('gateway event families are known end to end', () => {
  const staging = discoverModels(MODELS_DIR).find((m) => m.contract.name === 'stg_gateway_event_families')!;

  it('the family-count staging model reads every raw entity the connector writes, with its status', () => {
    const raw = staging.contract.inputs.flatMap((i) => ('raw' in i ? [i.raw] : []));
    expect(raw).toEqual(FAMILY_ENTITIES.map((e) => `gateway_events/${e}`));
    for (const e of FAMILY_ENTITIES) {
      const status = e === UNKNOWN_ENTITY ? 'unknown' : familyStatus(e);
      expect(staging.sql, e).toContain(`select '${status}' as family_status, json from raw_gateway_events_${e}\n`);
    }
  });

  it('the family dataset declares every raw entity as a source', () => {
    const desc = loadDescriptors().find((d) => d.id === 'gateway_event_families_hourly')!;
    expect(desc.sources).toEqual(FAMILY_ENTITIES.map((e) => `gateway_events/${e}`));
  });
});

describe('the embedded network\'s non-modelled families', () => {
  let dir: string;
  let world: World;
  let activity: Activity;
  let result: JobResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-families-'));
    world = createWorld({ seed: 'families', scale: 0.5 });
    activity = simulate(world);
    await writeArchive(join(dir, 'archives'), activity, world.options.seed, { ...DEFAULT_FAULTS, brokenPer10k: 0 });
    const config = loadConfig({ LPDATA_DATA_DIR: join(dir, 'data'), LPDATA_GATEWAY_EVENTS: join(dir, 'archives') });
    result = await gatewayEventsJob.run({ config, window: world.window, log });
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Records kept under an entity, over every day partition, by type. */
  async function kept(entity: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const m of result.manifests.filter((x) => x.entity === entity)) {
      const mf = JSON.parse(await readFile(join(dir, 'data', 'raw', 'gateway_events', entity, m.partition, '_manifest.json'), 'utf8'));
      if (entity === UNKNOWN_ENTITY) for (const [t, n] of Object.entries(mf.extra.types as Record<string, number>)) out.set(t, (out.get(t) ?? 0) + n);
      else out.set(entity, (out.get(entity) ?? 0) + mf.rows);
    }
    return out;
  }

  it('keeps every Daydream and undocumented event the network sent, quarantining none of them', async () => {
    const sent = new Map<string, number>();
    for (const e of activity.events) if (familyStatus(e.type) !== 'modelled') sent.set(e.type, (sent.get(e.type) ?? 0) + 1);
    expect(sent.get('pipelines_api_request')).toBeGreaterThan(100);
    expect(sent.get('webrtc_stats')).toBeGreaterThan(100);
    const unknownTypes = [...sent.keys()].filter((t) => familyStatus(t) === 'unknown');
    expect(unknownTypes.length).toBeGreaterThan(0);
    expect(await kept('pipelines_api_request')).toEqual(new Map([['pipelines_api_request', sent.get('pipelines_api_request')]]));
    expect(await kept('webrtc_stats')).toEqual(new Map([['webrtc_stats', sent.get('webrtc_stats')]]));
    expect(await kept(UNKNOWN_ENTITY)).toEqual(new Map(unknownTypes.map((t) => [t, sent.get(t)])));
    // Re-deliveries are the only quarantine when no record is broken.
    expect(result.read).toBe(result.rows + result.quarantined);
    expect(existsSync(join(dir, 'data', 'raw', 'gateway_events', '_invalid'))).toBe(false);
  });
});
