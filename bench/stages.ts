// What every benchmark mode shares: the embedded network in a child, the pipeline stages each in
// its own child, and the printed table.
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { ENDPOINT_VARS } from '../lib/config.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { runStage, startService, type ChildSpec, type StageRun } from './child.ts';

export const CLI = join(REPO_ROOT, 'jobs', 'cli', 'main.ts');
/** This folder, for the benchmark's own child scripts. */
export const BENCH_DIR = join(REPO_ROOT, 'bench');
export const BARE = join(BENCH_DIR, 'bare-duckdb.ts');
export const HOUR_MS = 3_600_000;

export interface Row {
  stage: string;
  wall_ms: number;
  peak_rss_mb: number | null;
  /** Gateway events the stage handled, for events/s. */
  events?: number;
  note?: string;
}

/** The children's environment: the benchmark's own folder, and never a real endpoint from the caller's shell. */
export function benchEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LPDATA_DATA_DIR: dir, LPDATA_STORE: join(dir, 'store') };
  for (const name of [...Object.values(ENDPOINT_VARS), 'LPDATA_CHAIN_START_BLOCK', 'LPDATA_GITHUB_REPO']) delete env[name];
  return env;
}

/** Fails with the end of the stage's log when it did not exit with one of `ok`. */
export function checked(name: string, r: StageRun, ok: number[] = [0]): StageRun {
  if (r.code !== null && ok.includes(r.code)) return r;
  let tail = '';
  try {
    tail = readFileSync(r.log, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    // no log: the process never started
  }
  throw new Error(`bench stage ${name} exited with ${r.code}; last lines of ${r.log}:\n${tail}`);
}

export interface EmbeddedRun {
  env: NodeJS.ProcessEnv;
  window: { from: string; to: string };
  archives: string;
  stop(): Promise<StageRun>;
  ready_ms: number;
}

/** Starts `lpdata network` in a child and returns the environment that points the CLI at it. */
export async function startEmbedded(dir: string, logs: string, networkArgs: string[]): Promise<EmbeddedRun> {
  const base = benchEnv(dir);
  const spec: ChildSpec = { name: 'network', script: CLI, args: ['network', ...networkArgs], env: base, dir: logs };
  const svc = await startService(spec, (out) => /^# window: .*$/m.test(out));
  const env = { ...base };
  for (const m of svc.stdout.matchAll(/^export (LPDATA_\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  const w = /^# window: --from (\S+) --to (\S+)$/m.exec(svc.stdout)!;
  return { env, window: { from: w[1]!, to: w[2]! }, archives: env.LPDATA_GATEWAY_EVENTS!, stop: svc.stop, ready_ms: svc.ready_ms };
}

/** Ingest, build and release over one window, each in its own process. */
export async function pipelineStages(env: NodeJS.ProcessEnv, logs: string, window: { from: string; to: string }, tag = '') {
  const w = ['--from', window.from, '--to', window.to];
  const stage = (name: string, args: string[]) => runStage({ name: `${name}${tag}`, script: CLI, args, env, dir: logs });
  const ingest = checked(`ingest${tag}`, await stage('ingest', ['ingest', ...w]));
  // 3: some datasets held back by a failing contract test; the rest was built and released.
  const build = checked(`build${tag}`, await stage('build', ['build', ...w]), [0, 3]);
  const release = checked(`release${tag}`, await stage('release', ['release', ...w]), [0, 3]);
  return { ingest, build, release };
}

export const secs = (ms: number) => (ms / 1000).toFixed(1);

export function table(rows: Row[]): string {
  const head = ['stage', 'wall s', 'peak RSS MB', 'events/s', 'note'];
  const body = rows.map((r) => [
    r.stage,
    secs(r.wall_ms),
    r.peak_rss_mb === null ? '-' : String(r.peak_rss_mb),
    r.events && r.wall_ms > 0 ? String(Math.round(r.events / (r.wall_ms / 1000))) : '-',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

export async function machine(): Promise<string> {
  const duckdb = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')) as { version: string }).version;
  return `machine: ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, @duckdb/node-api ${duckdb}`;
}

