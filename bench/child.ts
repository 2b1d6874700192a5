// Runs one benchmark stage in its own node process and measures it from outside: wall time, exit
// code, stdout, and the peak RSS the child reports through peak-rss.ts. Its JSON logs go to a file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = fileURLToPath(new URL('./peak-rss.ts', import.meta.url));

export interface StageRun {
  wall_ms: number;
  /** Peak resident set of the child process itself, MiB (its own children, e.g. anvil, are not in it). */
  peak_rss_mb: number | null;
  code: number | null;
  stdout: string;
  log: string;
}

export interface ChildSpec {
  name: string;
  script: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Folder for the stage's log and RSS files. */
  dir: string;
}

function launch(spec: ChildSpec): { child: ChildProcess; log: string; rssFile: string } {
  const log = join(spec.dir, `${spec.name}.log`);
  const rssFile = join(spec.dir, `${spec.name}.rss`);
  // node itself, not the tsx CLI (which would add a process between us and the stage).
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', HOOK, spec.script, ...spec.args], {
    env: { ...spec.env, LPDATA_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(createWriteStream(log));
  return { child, log, rssFile };
}

const peakMb = (rssFile: string) => (existsSync(rssFile) ? Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024) : null);

/** Runs a stage to completion. */
export function runStage(spec: ChildSpec): Promise<StageRun> {
  const started = performance.now();
  const { child, log, rssFile } = launch(spec);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ wall_ms: Math.round(performance.now() - started), peak_rss_mb: peakMb(rssFile), code, stdout, log }));
  });
}

export interface Service {
  /** Time until `ready` matched its stdout. */
  ready_ms: number;
  stdout: string;
  /** SIGINT, then what the process measured over its whole life. */
  stop(): Promise<StageRun>;
}

/** Starts a long-running stage (the embedded network) and resolves once its stdout satisfies `ready`. */
export function startService(spec: ChildSpec, ready: (stdout: string) => boolean): Promise<Service> {
  const started = performance.now();
  const { child, log, rssFile } = launch(spec);
  let stdout = '';
  const closed = new Promise<number | null>((done) => child.on('close', done));
  return new Promise((done, fail) => {
    child.on('error', fail);
    void closed.then((code) => fail(new Error(`${spec.name} exited (code ${code}) before it was ready; see ${log}`)));
    let isReady = false;
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (isReady || !ready(stdout)) return;
      isReady = true;
      const ready_ms = Math.round(performance.now() - started);
      done({
        ready_ms,
        stdout,
        async stop() {
          child.kill('SIGINT');
          const code = await closed;
          return { wall_ms: Math.round(performance.now() - started), peak_rss_mb: peakMb(rssFile), code, stdout, log };
        },
      });
    });
  });
}
