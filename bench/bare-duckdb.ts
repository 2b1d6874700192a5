// The baseline the gateway-events path is compared with: bare DuckDB, every core, over the same
// archive files. It does the least a correct pipeline must: read every gzip NDJSON file with
// explicit columns, drop re-deliveries by envelope id, write one typed Parquet per modelled family
// (the fields the staging models read, arrays unnested) and one per-session aggregate.
// Usage: tsx bench/bare-duckdb.ts <archive dir> <out dir>; prints {events, elapsed_ms, ...} as JSON.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openSession, queryRows, sqlString } from '../lib/duckdb.ts';

/** Typed projections per family, over `events(id, type, envelope_ms, gateway, data JSON)`. */
const FAMILIES: Record<string, string> = {
  stream_trace: `select id, envelope_ms, gateway, data->>'type' as subtype, try_cast(data->>'timestamp' as bigint) as event_ms,
      data->>'stream_id' as stream_id, data->>'request_id' as request_id, lower(data->>'$.orchestrator_info.address') as orch_address,
      lower(data->>'$.orchestrator_info.url') as orch_url, data->>'pipeline' as pipeline, data->>'message' as message
    from events where type = 'stream_trace'`,
  ai_stream_status: `select id, envelope_ms, try_cast(data->>'timestamp' as bigint) as event_ms, data->>'stream_id' as stream_id,
      data->>'request_id' as request_id, data->>'pipeline' as model, data->>'state' as state, try_cast(data->>'start_time' as bigint) as start_time_ms,
      try_cast(data->>'$.inference_status.fps' as double) as output_fps, lower(data->>'$.orchestrator_info.address') as orch_address
    from events where type = 'ai_stream_status'`,
  ai_stream_events: `select id, envelope_ms, try_cast(data->>'timestamp' as bigint) as event_ms, data->>'stream_id' as stream_id,
      data->>'request_id' as request_id, data->>'type' as subtype, data->>'message' as message, data->>'pipeline' as pipeline,
      lower(data->>'$.orchestrator_info.address') as orch_address
    from events where type = 'ai_stream_events'`,
  stream_ingest_metrics: `select id, envelope_ms, gateway, try_cast(data->>'timestamp' as bigint) as event_ms, data->>'stream_id' as stream_id,
      data->>'request_id' as request_id, data->>'$.stats.conn_quality' as conn_quality,
      try_cast(data->>'$.stats.peer_conn_stats.BytesReceived' as bigint) as bytes_received
    from events where type = 'stream_ingest_metrics'`,
  network_capabilities: `select id, envelope_ms, gateway, e->>'address' as address, e->>'local_address' as local_address, e->>'orch_uri' as orch_uri,
      e->>'$.capabilities.version' as version, try_cast(e->>'$.price_info.pricePerUnit' as hugeint) as price_per_unit,
      try_cast(e->>'$.price_info.pixelsPerUnit' as hugeint) as pixels_per_unit
    from (select id, envelope_ms, gateway, unnest(cast(data as json[])) as e from events where type = 'network_capabilities' and json_type(data) = 'ARRAY')`,
  discovery_results: `select id, envelope_ms, gateway, c->>'address' as address, c->>'url' as url, try_cast(c->>'latency_ms' as bigint) as latency_ms
    from (select id, envelope_ms, gateway, unnest(cast(data as json[])) as c from events where type = 'discovery_results' and json_type(data) = 'ARRAY')`,
  create_new_payment: `select id, envelope_ms, gateway, data->>'sender' as sender, data->>'recipient' as recipient, data->>'orchestrator' as orchestrator,
      data->>'manifestID' as manifest_id, data->>'sessionID' as session_id, data->>'requestID' as request_id, data->>'faceValue' as face_value,
      try_cast(data->>'winProb' as double) as win_prob, try_cast(data->>'numTickets' as integer) as num_tickets
    from events where type = 'create_new_payment'`,
};

/** One row per live stream: how many samples, when, the mean fps and the states seen. */
const SESSIONS = `select stream_id, min(event_ms) as first_ms, max(event_ms) as last_ms, count(*) as samples,
    avg(output_fps) as mean_fps, count(distinct state) as states, max(orch_address) as orch_address
  from read_parquet(?) group by stream_id`;

async function archiveFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true });
  return all.filter((f) => f.endsWith('.json.gz')).sort().map((f) => join(dir, f));
}

async function main(archive: string, out: string): Promise<void> {
  const started = performance.now();
  const files = await archiveFiles(archive);
  if (!files.length) throw new Error(`no .json.gz files under ${archive}`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const threads = availableParallelism();
  const { conn, close } = await openSession({ threads });
  try {
    await conn.run(`create temp table events as
      select id, type, try_cast("timestamp" as bigint) as envelope_ms, gateway, data
      from read_ndjson([${files.map(sqlString).join(', ')}],
        columns = {id: 'VARCHAR', type: 'VARCHAR', "timestamp": 'VARCHAR', gateway: 'VARCHAR', data: 'JSON'},
        compression = 'gzip', ignore_errors = true)
      where id is not null
      qualify row_number() over (partition by id order by envelope_ms) = 1`);
    const [{ n }] = await queryRows<{ n: bigint }>(conn, 'select count(*) as n from events') as [{ n: bigint }];
    const rows: Record<string, number> = {};
    for (const [family, sql] of Object.entries(FAMILIES)) {
      const path = join(out, `${family}.parquet`);
      await conn.run(`copy (${sql}) to ${sqlString(path)} (format parquet, compression zstd)`);
      rows[family] = Number((await queryRows<{ n: bigint }>(conn, `select count(*) as n from read_parquet(${sqlString(path)})`))[0]!.n);
    }
    const sessions = join(out, 'sessions.parquet');
    await conn.run(`copy (${SESSIONS.replace('?', sqlString(join(out, 'ai_stream_status.parquet')))}) to ${sqlString(sessions)} (format parquet, compression zstd)`);
    rows.sessions = Number((await queryRows<{ n: bigint }>(conn, `select count(*) as n from read_parquet(${sqlString(sessions)})`))[0]!.n);
    process.stdout.write(JSON.stringify({ files: files.length, events: Number(n), threads, rows, elapsed_ms: Math.round(performance.now() - started) }) + '\n');
  } finally {
    close();
  }
}

const [archive, out] = process.argv.slice(2);
if (!archive || !out) {
  process.stderr.write('usage: tsx bench/bare-duckdb.ts <archive dir> <out dir>\n');
  process.exitCode = 2;
} else await main(archive, out);
