// Pulls one subgraph entity into raw snapshots: every page pinned to the block `_meta` reported, so
// a run is one consistent view. State entities land in `block=<B>`; event entities in `date=<day>`
// partitions by event timestamp within the run's window.
import { endpoint } from '../../lib/config.ts';
import { SnapshotWriter, type SnapshotManifest } from '../../lib/snapshot.ts';
import { days, iso, isoDay, ms, type Window } from '../../lib/time.ts';
import { readWatermark, writeWatermark } from '../../lib/watermark.ts';
import { summarise, type Job, type JobContext } from '../job.ts';
import { SubgraphClient, type SubgraphHead } from './client.ts';
import { PAGE_SIZE, pageQuery, type EntitySpec } from './entities.ts';

export const SOURCE = 'subgraph';
const JOB_VERSION = '1.0.0';

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const INTEGER = /^-?\d+$/;

type Entity = Record<string, unknown>;

/** Why a returned entity cannot be kept, or undefined when it is fine. */
export function rejectReason(spec: EntitySpec, entity: unknown, partition?: { from: number; to: number }): string | undefined {
  if (!entity || typeof entity !== 'object' || Array.isArray(entity)) return 'not an object';
  const e = entity as Entity;
  if (typeof e.id !== 'string' || e.id === '') return 'missing id';
  for (const [name, type] of Object.entries(spec.fields)) {
    const v = e[name];
    if (v === null || v === undefined) continue;
    if (type === 'BigDecimal' && (typeof v !== 'string' || !DECIMAL.test(v))) return `unparsable BigDecimal ${name}`;
    if (type === 'BigInt' && (typeof v !== 'string' || !INTEGER.test(v))) return `unparsable BigInt ${name}`;
  }
  if (partition) {
    if (!Number.isInteger(e.timestamp)) return 'missing timestamp';
    const t = e.timestamp as number;
    if (t < partition.from || t >= partition.to) return 'timestamp outside the requested day';
  }
  return undefined;
}

/** Pages through one query with `id_gt`, handing each page to `onPage`; returns the page count. */
async function pageThrough(client: SubgraphClient, spec: EntitySpec, text: string, variables: Record<string, unknown>, onPage: (rows: unknown[]) => Promise<void>): Promise<number> {
  let lastId = '';
  for (let pages = 1; ; pages++) {
    const data = await client.query<Record<string, unknown>>(spec.entity, text, { ...variables, lastId });
    const rows = data[spec.field];
    if (!Array.isArray(rows)) throw new Error(`subgraph query ${spec.entity} returned no ${spec.field} list`);
    await onPage(rows);
    if (rows.length < PAGE_SIZE) return pages;
    const ids = rows.map((r) => (r as Entity | null)?.id).filter((id): id is string => typeof id === 'string');
    const next = ids[ids.length - 1];
    if (next === undefined || next <= lastId) throw new Error(`subgraph query ${spec.entity}: paging did not advance past id "${lastId}"; the server is not ordering by id`);
    lastId = next;
  }
}

async function pullPartition(
  ctx: JobContext,
  client: SubgraphClient,
  spec: EntitySpec,
  head: SubgraphHead,
  partition: string,
  day?: Window,
): Promise<SnapshotManifest> {
  const text = pageQuery(spec);
  const bounds = day ? { from: Math.ceil(day.from / 1000), to: Math.ceil(day.to / 1000) } : undefined;
  const variables = { block: head.number, ...bounds };
  const writer = new SnapshotWriter({ dataDir: ctx.config.dataDir, source: SOURCE, entity: spec.entity, partition });
  let pages: number;
  try {
    pages = await pageThrough(client, spec, text, variables, async (rows) => {
      for (const row of rows) {
        const reason = rejectReason(spec, row, bounds);
        if (reason) writer.reject(JSON.stringify(row), reason);
        else await writer.add(JSON.stringify(row));
      }
    });
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.commit(
    {
      job: `${SOURCE}.${spec.entity}`,
      jobVersion: JOB_VERSION,
      endpoint: client.endpoint,
      query: { text, variables, paging: 'id_gt', page_size: PAGE_SIZE },
      block: head.number,
      ...(day ? { window: { from: iso(day.from), to: iso(day.to) } } : {}),
      extra: { block_hash: head.hash, block_timestamp: head.timestamp, deployment: head.deployment, has_indexing_errors: head.hasIndexingErrors, pages },
    },
    ctx.fetchedAt,
  );
}

export function subgraphJob(spec: EntitySpec): Job {
  const name = `${SOURCE}.${spec.entity}`;
  return {
    name,
    source: SOURCE,
    entity: spec.entity,
    version: JOB_VERSION,
    description: spec.description,
    async run(ctx: JobContext) {
      const started = Date.now();
      const log = ctx.log.child({ job: name });
      const client = new SubgraphClient(endpoint(ctx.config, 'subgraph'), log);
      const head = await client.head();
      if (head.hasIndexingErrors) log.warn('subgraph reports indexing errors; data after the failing block is missing', { endpoint: client.endpoint, block: head.number });
      const manifests: SnapshotManifest[] = [];
      if (spec.kind === 'state') {
        manifests.push(await pullPartition(ctx, client, spec, head, `block=${head.number}`));
        await writeWatermark(ctx.config.dataDir, SOURCE, spec.entity, head.number, { block_hash: head.hash });
      } else {
        for (const day of days(ctx.window)) manifests.push(await pullPartition(ctx, client, spec, head, `date=${isoDay(day.from)}`, day));
        await advanceEventWatermark(ctx, spec, head, log);
      }
      const result = summarise(name, manifests, started);
      log.info('pulled', { block: head.number, partitions: manifests.length, rows: result.rows, quarantined: result.quarantined });
      return result;
    },
  };
}

/** Events are complete up to the pinned block's time: the watermark moves there (never backwards). */
async function advanceEventWatermark(ctx: JobContext, spec: EntitySpec, head: SubgraphHead, log: JobContext['log']): Promise<void> {
  if (head.timestamp === null) {
    log.warn('subgraph _meta has no block timestamp; watermark left as it was');
    return;
  }
  const reached = ms(Math.min(ctx.window.to, head.timestamp * 1000));
  const previous = await readWatermark(ctx.config.dataDir, SOURCE, spec.entity);
  const done = typeof previous?.value === 'string' ? Date.parse(previous.value) : undefined;
  if (done !== undefined && done >= reached) return;
  if (done !== undefined && done < ctx.window.from) {
    log.warn('window starts after the watermark; leaving it so the gap is fetched', { watermark: previous!.value, window_from: iso(ctx.window.from) });
    return;
  }
  await writeWatermark(ctx.config.dataDir, SOURCE, spec.entity, iso(reached), { block: head.number, block_hash: head.hash });
}
