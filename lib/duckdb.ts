// DuckDB sessions that cannot reach the network and, when asked, see only the files they declare.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface SessionOptions {
  /** When given, the session may touch only these files and nothing else (enable_external_access=false). */
  allowedPaths?: string[];
  threads?: number;
  memoryLimit?: string;
  /** A database file for the session's tables: the buffer manager pages them to disk, so tables larger
   * than the memory limit fit (an in-memory database's tables are not evicted). Default in memory. */
  databaseFile?: string;
}

export interface Session {
  conn: DuckDBConnection;
  close(): void;
}

export async function openSession(opts: SessionOptions = {}): Promise<Session> {
  // Extensions are never installed or loaded on demand: a stray s3:// or https:// path fails at once.
  const instance = await DuckDBInstance.create(opts.databaseFile ?? ':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: String(opts.threads ?? 2),
    memory_limit: opts.memoryLimit ?? process.env.LPDATA_DUCKDB_MEMORY ?? '8GB',
  });
  const conn = await instance.connect();
  if (opts.allowedPaths) {
    await conn.run(`SET allowed_paths = [${opts.allowedPaths.map(sqlString).join(', ')}]`);
    await conn.run('SET enable_external_access = false');
  }
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  const r = await conn.runAndReadAll(sql);
  return r.getRowObjectsJS() as T[];
}
