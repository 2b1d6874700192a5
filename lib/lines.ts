// Text files as lines in DuckDB, bytes untouched: read through the CSV reader with one column, no
// quoting and a delimiter no text holds, and written back the same way.
import { sqlString } from './duckdb.ts';

/** Four control bytes in a row: never in JSON, and a line holding them fails loudly, not silently. */
const DELIM = '\x01\x02\x03\x04';

/** Longest line read; a gateway's capability poll of a few hundred orchestrators is well under 1 MB. */
const MAX_LINE_BYTES = 64 << 20;

/**
 * A relation of `line` (VARCHAR, NULL for an empty line) and the virtual column `file_index` (the
 * position in `files`; `filename` too when asked) over `files`, gzip or plain by extension. A line
 * ends at `\n`; a carriage return fails the read (strict mode) rather than being taken as a line
 * end, so every stored byte is the sender's. Rows come in file then line order only with
 * `parallel: false` (one reader thread); a parallel scan interleaves them.
 */
export function readLinesSql(files: string[], opts: { filename?: boolean; parallel?: boolean } = {}): string {
  return `read_csv([${files.map(sqlString).join(', ')}], columns = {'line': 'VARCHAR'}, delim = '${DELIM}', quote = '', escape = '', header = false, auto_detect = false, strict_mode = true, max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${2 * MAX_LINE_BYTES}, filename = ${opts.filename ?? false}, parallel = ${opts.parallel ?? true})`;
}

/** Writes the single VARCHAR column of `query`, one value a line, each ended by `\n`, uncompressed. */
export function copyLinesSql(query: string, path: string): string {
  return `COPY (${query}) TO ${sqlString(path)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '${DELIM}', COMPRESSION none)`;
}

/** The escape JSON.stringify writes for each control character. */
const SHORT: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** SQL for the JSON text of the string `expr`, byte for byte what JSON.stringify writes. */
export function jsonStringSql(expr: string): string {
  let out = `replace(replace(${expr}, '\\', '\\\\'), '"', '\\"')`;
  for (let c = 0; c < 32; c++) out = `replace(${out}, chr(${c}), '${SHORT[c] ?? `\\u${c.toString(16).padStart(4, '0')}`}')`;
  return `('"' || ${out} || '"')`;
}
