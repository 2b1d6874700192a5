// The rules that accept or reject an archived gateway event line, with the reason a person can act
// on, as one DuckDB query: the connector runs them over whole archives without holding a line in JS.
import { sqlString } from '../../lib/duckdb.ts';
import { MODELLED_FAMILIES, STORED_FAMILIES, UNKNOWN_ENTITY } from './families.ts';

/** Families whose payload is an array of objects rather than one object. */
const ARRAY_FAMILIES = ['network_capabilities', 'discovery_results'];

const sqlList = (values: readonly string[]): string => `(${values.map(sqlString).join(', ')})`;

/**
 * DuckDB's JSON parser also takes NaN, Infinity and trailing commas, which JSON.parse and the
 * producers' other consumers refuse: a line that has them outside its string literals is not JSON.
 * Only lines holding the spellings producers write (Python's json.dumps: NaN, Infinity; a compact
 * trailing comma) pay for the exact check; each `contains` is a scan of every line.
 */
const LENIENT_HINTS = ['NaN', 'Infinity', ',}', ',]'];
const LENIENT = String.raw`[:,\[]\s*[-+]?(?i:nan|inf)|,\s*[}\]]`;
const STRING_LITERAL = String.raw`"(?:[^"\\]|\\.)*"`;

/** The JSON kind of a value extracted by json_extract (written minified), from its first byte. */
const kindOf = (j: string) =>
  `CASE WHEN ${j} IS NULL THEN NULL WHEN ${j}[1] = '"' THEN 'VARCHAR' WHEN ${j}[1] = '{' THEN 'OBJECT' WHEN ${j}[1] = '[' THEN 'ARRAY' WHEN ${j} = 'null' THEN 'NULL' WHEN ${j} IN ('true', 'false') THEN 'BOOLEAN' ELSE 'NUMBER' END`;

/** The text of an extracted string value; only one holding an escape needs a parse. */
const textOf = (j: string) => `CASE WHEN ${j}[1] <> '"' THEN NULL WHEN contains(${j}, '\\') THEN ${j}::JSON ->> '$' ELSE ${j}[2:-2] END`;

/**
 * Every row of `source` (a relation with a VARCHAR column `line`, other columns passed through)
 * with: `reason` (NULL when the line is kept), `id`, `type`, `entity` (the raw entity it is filed
 * under, families.ts), `family_status` and `payload_ms` (the time that dates it, DOUBLE: producers
 * may send fractions). Most lines are parsed once; only those whose shape the first parse leaves
 * open (not an object, a payload without a time) are parsed again.
 */
export function checkedEventsSql(source: string): string {
  const modelled = sqlList(MODELLED_FAMILIES);
  const stored = sqlList(Object.keys(STORED_FAMILIES));
  const arrays = sqlList(ARRAY_FAMILIES);
  return `(
  WITH parsed AS (
    SELECT *,
      -- NULL when the line is not JSON at all.
      try(json_extract(line, ['$.id', '$.type', '$.timestamp', '$.data.timestamp'])::VARCHAR[]) AS f,
      CASE WHEN ${LENIENT_HINTS.map((h) => `contains(line, ${sqlString(h)})`).join(' OR ')}
        THEN regexp_matches(regexp_replace(line, '${STRING_LITERAL}', '""', 'g'), '${LENIENT}') ELSE false END AS lenient
    FROM ${source}
  ),
  fields AS (
    SELECT * EXCLUDE (f),
      f IS NULL OR lenient AS unreadable,
      ${kindOf('f[1]')} AS id_kind, ${textOf('f[1]')} AS id,
      ${kindOf('f[2]')} AS type_kind, ${textOf('f[2]')} AS type,
      ${kindOf('f[3]')} AS ts_kind, ${textOf('f[3]')} AS ts,
      ${kindOf('f[4]')} AS pts_kind, f[4] AS pts
    FROM parsed
  ),
  statused AS (
    SELECT *,
      CASE WHEN type IN ${modelled} THEN 'modelled' WHEN type IN ${stored} THEN 'stored_not_modelled' ELSE 'unknown' END AS family_status,
      type IN ${arrays} AS array_payload
    FROM fields
  ),
  shaped AS (
    SELECT *,
      -- Second parses, for the few lines that need them.
      CASE WHEN NOT unreadable AND id_kind IS NULL THEN json_type(line) END AS root_kind,
      CASE WHEN NOT unreadable AND family_status = 'modelled' AND (array_payload OR pts_kind IS NULL) THEN json_type(line, '$.data')
        WHEN pts_kind IS NOT NULL THEN 'OBJECT' END AS data_kind
    FROM statused
  ),
  checked AS (
    SELECT *,
      CASE
        WHEN unreadable THEN 'truncated JSON'
        WHEN root_kind IS NOT NULL AND root_kind <> 'OBJECT' THEN 'record is not a JSON object'
        WHEN id_kind IS DISTINCT FROM 'VARCHAR' OR id = '' THEN 'missing envelope id'
        WHEN type_kind IS DISTINCT FROM 'VARCHAR' OR type = '' THEN 'missing event type'
        WHEN ts_kind IS NULL OR ts_kind = 'NULL' OR (ts_kind = 'VARCHAR' AND ts = '') THEN 'missing envelope timestamp'
        -- Every producer on these topics writes Unix ms as a string of digits (go-livepeer
        -- monitor/kafka.go, Scope's publisher); anything else is a bug.
        WHEN ts_kind <> 'VARCHAR' OR NOT regexp_full_match(ts, '[0-9]{10,16}') THEN 'envelope timestamp of the wrong type'
        -- Payloads no model reads are stored as sent: their shape is the producer's business.
        WHEN family_status <> 'modelled' THEN NULL
        -- A poll that reached no orchestrator marshals its nil slice as null (§2.9): a snapshot of nobody.
        WHEN array_payload THEN CASE WHEN data_kind IN ('NULL', 'ARRAY') THEN NULL ELSE 'payload is not an array' END
        WHEN data_kind IS DISTINCT FROM 'OBJECT' THEN 'payload is not an object'
        -- go-livepeer sends payload ms as a number; Scope's stream_trace sends them as a digit string.
        WHEN pts_kind IS NULL OR pts_kind IN ('NULL', 'NUMBER') THEN NULL
        WHEN pts_kind = 'VARCHAR' AND regexp_full_match(pts, '"[0-9]{10,16}"') THEN NULL
        ELSE 'payload timestamp of the wrong type'
      END AS reason
    FROM shaped
  )
  SELECT * EXCLUDE (unreadable, lenient, root_kind, data_kind, id_kind, type_kind, ts_kind, ts, pts_kind, pts, array_payload, id, type, family_status),
    reason,
    CASE WHEN reason IS NULL THEN id END AS id,
    CASE WHEN reason IS NULL THEN type END AS type,
    CASE WHEN reason IS NULL THEN CASE WHEN family_status = 'unknown' THEN '${UNKNOWN_ENTITY}' ELSE type END END AS entity,
    CASE WHEN reason IS NULL THEN family_status END AS family_status,
    -- Swaps, params updates and gateway errors carry no payload time: the envelope dates them (§2.12).
    CASE WHEN reason IS NULL THEN
      CASE WHEN family_status = 'modelled' AND NOT array_payload AND pts_kind IN ('NUMBER', 'VARCHAR') THEN trim(pts, '"')::DOUBLE ELSE ts::DOUBLE END
    END AS payload_ms
  FROM checked
)`;
}
