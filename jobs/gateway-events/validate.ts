// The rules that accept or reject an archived gateway event line, with the reason a person can act
// on, as one DuckDB query: the connector runs them over whole archives without holding a line in JS.
import { sqlList } from '../../lib/lines.ts';
import { MODELLED_FAMILIES, STORED_FAMILIES, UNKNOWN_ENTITY } from './families.ts';

/** Families whose payload is an array of objects rather than one object. */
const ARRAY_FAMILIES = ['network_capabilities', 'discovery_results'];

const NUMBER_KINDS = `('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')`;

/**
 * DuckDB's JSON parser also takes NaN, Infinity and trailing commas, which no JSON parser of the
 * producers' consumers does: a line that has them outside its string literals is not JSON.
 */
const LENIENT = String.raw`[:,\[]\s*[-+]?(?i:nan|inf)|,\s*[}\]]`;
const STRING_LITERAL = String.raw`"(?:[^"\\]|\\.)*"`;

/**
 * Every row of `source` (a relation with a VARCHAR column `line`, other columns passed through)
 * with: `reason` (NULL when the line is kept), `id`, `type`, `entity` (the raw entity it is filed
 * under, families.ts), `family_status` and `payload_ms` (the time that dates it, DOUBLE: producers
 * may send fractions).
 */
export function checkedEventsSql(source: string): string {
  const modelled = sqlList(MODELLED_FAMILIES);
  const stored = sqlList(Object.keys(STORED_FAMILIES));
  const arrays = sqlList(ARRAY_FAMILIES);
  return `(
  WITH shape AS (
    SELECT *,
      -- NULL when the line is not JSON at all.
      try(json_type(line, ['$', '$.data'])) AS kinds,
      regexp_matches(line, '${LENIENT}') AND regexp_matches(regexp_replace(line, '${STRING_LITERAL}', '""', 'g'), '${LENIENT}') AS lenient
    FROM ${source}
  ),
  fields AS (
    SELECT *,
      CASE WHEN kinds[1] = 'OBJECT' AND NOT lenient THEN json_extract(line, ['$.id', '$.type', '$.timestamp', '$.data.timestamp']) END AS f
    FROM shape
  ),
  typed AS (
    SELECT * EXCLUDE (f),
      json_type(f[1]) AS id_kind, f[1] ->> '$' AS id,
      json_type(f[2]) AS type_kind, f[2] ->> '$' AS type,
      json_type(f[3]) AS ts_kind, f[3] ->> '$' AS ts,
      json_type(f[4]) AS pts_kind, f[4] ->> '$' AS pts
    FROM fields
  ),
  statused AS (
    SELECT *,
      CASE WHEN type IN ${modelled} THEN 'modelled' WHEN type IN ${stored} THEN 'stored_not_modelled' ELSE 'unknown' END AS family_status,
      type IN ${arrays} AS array_payload
    FROM typed
  ),
  checked AS (
    SELECT *,
      CASE
        WHEN kinds IS NULL OR lenient THEN 'truncated JSON'
        WHEN kinds[1] <> 'OBJECT' THEN 'record is not a JSON object'
        WHEN id_kind IS DISTINCT FROM 'VARCHAR' OR id = '' THEN 'missing envelope id'
        WHEN type_kind IS DISTINCT FROM 'VARCHAR' OR type = '' THEN 'missing event type'
        WHEN ts_kind IS NULL OR ts_kind = 'NULL' OR (ts_kind = 'VARCHAR' AND ts = '') THEN 'missing envelope timestamp'
        -- Every producer on these topics writes Unix ms as a string of digits (go-livepeer
        -- monitor/kafka.go, Scope's publisher); anything else is a bug.
        WHEN ts_kind <> 'VARCHAR' OR NOT regexp_full_match(ts, '[0-9]{10,16}') THEN 'envelope timestamp of the wrong type'
        -- Payloads no model reads are stored as sent: their shape is the producer's business.
        WHEN family_status <> 'modelled' THEN NULL
        -- A poll that reached no orchestrator marshals its nil slice as null (§2.9): a snapshot of nobody.
        WHEN array_payload THEN CASE WHEN kinds[2] IN ('NULL', 'ARRAY') THEN NULL ELSE 'payload is not an array' END
        WHEN kinds[2] IS DISTINCT FROM 'OBJECT' THEN 'payload is not an object'
        -- go-livepeer sends payload ms as a number; Scope's stream_trace sends them as a digit string.
        WHEN pts_kind IS NULL OR pts_kind = 'NULL' OR pts_kind IN ${NUMBER_KINDS} THEN NULL
        WHEN pts_kind = 'VARCHAR' AND regexp_full_match(pts, '[0-9]{10,16}') THEN NULL
        ELSE 'payload timestamp of the wrong type'
      END AS reason
    FROM statused
  )
  SELECT * EXCLUDE (kinds, lenient, id_kind, type_kind, ts_kind, ts, pts_kind, pts, array_payload, id, type, family_status),
    reason,
    CASE WHEN reason IS NULL THEN id END AS id,
    CASE WHEN reason IS NULL THEN type END AS type,
    CASE WHEN reason IS NULL THEN CASE WHEN family_status = 'unknown' THEN '${UNKNOWN_ENTITY}' ELSE type END END AS entity,
    CASE WHEN reason IS NULL THEN family_status END AS family_status,
    -- Swaps, params updates and gateway errors carry no payload time: the envelope dates them (§2.12).
    CASE WHEN reason IS NULL THEN
      CASE WHEN family_status = 'modelled' AND NOT array_payload AND pts_kind IS NOT NULL AND pts_kind <> 'NULL' THEN pts::DOUBLE ELSE ts::DOUBLE END
    END AS payload_ms
  FROM checked
)`;
}
