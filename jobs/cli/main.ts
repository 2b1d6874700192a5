// lpdata: the command line for every stage. Logs go to stderr as JSON lines; results to stdout.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENDPOINT_VARS, loadConfig, type Config, type Endpoints } from '../../lib/config.ts';
import { discoverModels } from '../../lib/contracts.ts';
import { HeldBackError, UserError } from '../../lib/errors.ts';
import { stableJson } from '../../lib/hash.ts';
import { log } from '../../lib/log.ts';
import { checkLayers } from '../../lib/model-check.ts';
import { DATASETS_DIR, METRICS_DIR, MODELS_DIR, SCHEDULE_FILE } from '../../lib/paths.ts';
import { allMetrics, loadRegistry, metricPage, registryProblems } from '../../lib/metrics.ts';
import { latestBuild } from '../../lib/model-runner.ts';
import { DAY_MS, floorDay, iso, ms, parseWindow, type Window } from '../../lib/time.ts';
import { checkSchema, loadDescriptors, parquetSchema } from '../../datasets/publish.ts';
import { formatReport, verifyRelease } from '../../datasets/verify.ts';
import { mirror } from '../../datasets/mirror.ts';
import { loadPlan } from '../loadtest/plan.ts';
import { runPlan } from '../loadtest/runner.ts';
import { verifyBundle } from '../loadtest/verify.ts';
import { startNetwork, type EmbeddedNetwork } from '../../network/index.ts';
import type { WorldOptions } from '../../network/world.ts';
import { buildSite } from '../../site/scripts/build.ts';
import { buildModels, ingest, release } from '../pipeline.ts';
import { backfill, parseShard } from '../backfill.ts';
import { heldBackError, holdBackText } from '../outcome.ts';
import { SITE_DATASETS } from '../../site/scripts/datasets.ts';
import { ALL_JOBS, SOURCES, selectJobs, usesRealEndpoints } from '../registry.ts';
import { loadSchedule, runOnce, startScheduler, type ScheduleEntry } from '../scheduler.ts';
import { writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  from: { type: 'string' },
  to: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const NETWORK: Options = {
  seed: { type: 'string' },
  scale: { type: 'string' },
  start: { type: 'string' },
  days: { type: 'string' },
  'events-per-day': { type: 'string' },
};

interface Command {
  summary: string;
  usage: string;
  options: Options;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

function worldOptions(v: Record<string, string | boolean | undefined>): Partial<WorldOptions> {
  const num = (name: string, text: string | undefined, min: number) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new UserError(`--${name} "${text}" is not a number of at least ${min}`, `e.g. --${name} ${min === 0 ? 1 : min}`);
    return n;
  };
  const o: Partial<WorldOptions> = {};
  if (typeof v.seed === 'string') o.seed = v.seed;
  const scale = num('scale', v.scale as string | undefined, 0.1);
  if (scale !== undefined) o.scale = scale;
  if (typeof v.start === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.start)) throw new UserError(`--start "${v.start}" is not a date`, 'use YYYY-MM-DD');
    o.start = v.start;
  }
  const d = num('days', v.days as string | undefined, 1);
  if (d !== undefined) o.days = Math.floor(d);
  const perDay = num('events-per-day', v['events-per-day'] as string | undefined, 1000);
  if (perDay !== undefined) o.eventsPerDay = perDay;
  return o;
}

function configFor(v: Record<string, string | boolean | undefined>): Config {
  const env = { ...process.env };
  if (typeof v['data-dir'] === 'string') env.LPDATA_DATA_DIR = v['data-dir'];
  return loadConfig(env);
}

/** The window to run: --from/--to, else the embedded network's, else yesterday (UTC). */
function windowFor(v: Record<string, string | boolean | undefined>, fallback?: Window): Window {
  if (v.from || v.to) {
    if (!v.from || !v.to) throw new UserError('give both --from and --to', 'e.g. --from 2026-11-16 --to 2026-11-17');
    return parseWindow(String(v.from), String(v.to));
  }
  if (fallback) return fallback;
  const today = floorDay(Date.now());
  return { from: ms(today - DAY_MS), to: today };
}

/**
 * With no window given and no real endpoints, build and release cover the embedded network's
 * simulated window (recorded beside its files), not yesterday, which it never simulated.
 */
function embeddedWindow(config: Config): Window | undefined {
  const world = join(config.dataDir, 'network', 'truth', 'world.json');
  if (usesRealEndpoints(config) || !existsSync(world)) return undefined;
  const w = (JSON.parse(readFileSync(world, 'utf8')) as { window: { from: number; to: number } }).window;
  return { from: ms(w.from), to: ms(w.to) };
}

async function withNetwork<T>(config: Config, v: Record<string, string | boolean | undefined>, fn: (config: Config, window: Window, net?: EmbeddedNetwork) => Promise<T>): Promise<T> {
  // Sources left without an endpoint are skipped with a warning each (jobs/pipeline.ts ingest).
  if (usesRealEndpoints(config) && !v.embedded) return fn(config, windowFor(v));
  const net = await startNetwork({ dir: join(config.dataDir, 'network'), world: worldOptions(v), log });
  try {
    return await fn({ ...config, ...net.settings, endpoints: net.endpoints }, windowFor(v, net.world.window), net);
  } finally {
    await net.stop();
  }
}

/**
 * Ingest, build, release and the site. What a failing test holds back is left out and the rest goes
 * on; the caller turns that into exit status 3 (heldBackError) after reporting what it did.
 */
async function wholePipeline(config: Config, window: Window, jobs = ALL_JOBS, withSite = true) {
  const results = await ingest(jobs, config, window, log);
  const built = await buildModels(config, window, log);
  const { published, held_back } = await release(config, window, log);
  // The pages read these datasets; one never released (held back on its first run) leaves nothing to show.
  const missing = held_back.filter((h) => h.latest_release_id === null && SITE_DATASETS.some((d) => d.id === h.dataset)).map((h) => h.dataset);
  if (withSite && missing.length) log.warn('site not built: datasets its pages read have no release yet', { datasets: missing });
  const site = withSite && !missing.length && !config.store.startsWith('s3://') ? await buildSite({ store: config.store }) : undefined;
  return { results, built, published, held_back, site };
}

const commands: Record<string, Command> = {
  run: {
    summary: 'the whole pipeline: ingest every source, build models, release datasets, build the site',
    usage: `lpdata run [--from D --to D] [--embedded] [--no-site] [--seed S --scale N --events-per-day N --start D --days N]

Runs on the embedded network (started on 127.0.0.1 and stopped at the end) unless LPDATA_*
endpoints are set, in which case it runs against them; a source left without an endpoint is skipped
with a warning and the datasets reading it say "source absent". Prints where the releases and the
site are. Exit status: 0 all released; 3 a model failed an error contract test, so it, what reads it
and their datasets were held back and the rest released; 1 nothing published.`,
    options: { ...COMMON, ...NETWORK, embedded: { type: 'boolean' }, 'no-site': { type: 'boolean' } },
    async run(v) {
      const started = Date.now();
      const config = configFor(v);
      const out = await withNetwork(config, v, (c, w) => wholePipeline(c, w, ALL_JOBS, !v['no-site']));
      const summary = {
        wall_ms: Date.now() - started,
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        jobs: out.results.length,
        rows: out.results.reduce((s, r) => s + r.rows, 0),
        quarantined: out.results.reduce((s, r) => s + r.quarantined, 0),
        models: out.built.built.length,
        models_failed: out.built.failed.map((f) => f.name),
        releases: out.published.map((p) => ({ dataset: p.dataset_id, release_id: p.release_id, manifest: p.manifest, new: p.created })),
        held_back: out.held_back.map((h) => ({ dataset: h.dataset, reason: h.reason, latest_release_id: h.latest_release_id })),
        store: config.store,
        site: out.site?.outDir ?? null,
      };
      process.stdout.write(stableJson(summary) + '\n');
      process.stderr.write(holdBackText(out.built, out.held_back));
      const held = heldBackError(out.built, out.held_back, 'released');
      if (held) throw held;
    },
  },
  network: {
    summary: 'start the embedded network and print its endpoints as environment variables',
    usage: `lpdata network [--seed S --scale N --events-per-day N --start D --days N] [--once]

Simulates the window, writes archives and bundles under <data-dir>/network, serves every source on
127.0.0.1 and prints \`export LPDATA_...=...\` lines; runs until Ctrl-C (or exits at once with --once).
--scale 1 is the small demo network; --scale 7 is about today's network (84 orchestrators,
~850k gateway events a day). --events-per-day N sizes it for N gateway events a day (within 10 %):
the network grows up to --scale 7, then each orchestrator serves more sessions (the real network's
topics carry about 4600000 a day).`,
    options: { ...COMMON, ...NETWORK, once: { type: 'boolean' } },
    async run(v) {
      const config = configFor(v);
      const net = await startNetwork({ dir: join(config.dataDir, 'network'), world: worldOptions(v), log });
      for (const [k, name] of Object.entries(ENDPOINT_VARS)) process.stdout.write(`export ${name}=${net.endpoints[k as keyof Endpoints]}\n`);
      // The embedded chain starts at block 0, not at the protocol's Arbitrum deployment blocks.
      process.stdout.write(`export LPDATA_CHAIN_START_BLOCK=${net.settings.chainStartBlock}\n`);
      process.stdout.write(`# reference gateway for load tests: lpdata loadtest run <plan> --gateway ${net.referenceGateway}\n`);
      process.stdout.write(`# window: --from ${iso(net.world.window.from)} --to ${iso(net.world.window.to)}\n`);
      if (v.once) return net.stop();
      await new Promise<void>((done) => process.once('SIGINT', () => done()));
      await net.stop();
    },
  },
  ingest: {
    summary: 'run ingest jobs (all, or the named sources / jobs) against the configured endpoints',
    usage: `lpdata ingest [source|job ...] [--from D --to D]

Sources: ${Object.keys(SOURCES).join(', ')}. Endpoints come from LPDATA_* variables (see .env.example).`,
    options: { ...COMMON },
    async run(v, names) {
      const config = configFor(v);
      const results = await ingest(selectJobs(names), config, windowFor(v, embeddedWindow(config)), log);
      process.stdout.write(stableJson(results.map((r) => ({ job: r.job, read: r.read, rows: r.rows, quarantined: r.quarantined, bytes: r.bytes, partitions: r.manifests.length, duration_ms: r.duration_ms }))) + '\n');
    },
  },
  build: {
    summary: 'build the SQL models (staging, core, published) for a window',
    usage: `lpdata build [model ...] [--from D --to D] [--rebuild]   (default window: the embedded network's, else yesterday)

Each UTC day of the window is built on its own (data/build/<layer>/<model>/day=D.parquet); a day's
model whose inputs (raw partitions, SQL, contract, the models it reads) did not change since its last
build is skipped unless --rebuild. A model failing an error contract test is not written, nor is anything that reads it; the rest is
built. data/build/report.json records the outcome for \`lpdata release\`. Exit status: 0 all built;
3 some held back (the failing tests and sample rows are printed); 1 nothing built.`,
    options: { ...COMMON, rebuild: { type: 'boolean' } },
    async run(v, names) {
      const config = configFor(v);
      const report = await buildModels(config, windowFor(v, embeddedWindow(config)), log, names.length ? names : undefined, { rebuild: Boolean(v.rebuild) });
      process.stdout.write(stableJson(report.built.map((b) => ({ model: b.name, layer: b.layer, rows: b.rows, path: b.path }))) + '\n');
      process.stderr.write(holdBackText(report));
      const held = heldBackError(report, undefined, 'built');
      if (held) throw held;
    },
  },
  release: {
    summary: 'publish the built datasets to the store (LPDATA_STORE: a folder or s3://bucket/prefix)',
    usage: `lpdata release [--from D --to D]

Releases the union of the window's day builds (data/build/days/: every day must be built, here or
in shards whose data/build was copied in; missing days are named). Datasets
whose model failed an error test, or reads one that did, are held back: their latest release stays,
and catalog.json says why. Exit status: 0 all released; 3 some held back; 1 nothing published
(e.g. a dataset not built for this window: then nothing at all is written).`,
    options: { ...COMMON },
    async run(v) {
      const config = configFor(v);
      const { published, held_back, build } = await release(config, windowFor(v, embeddedWindow(config)), log);
      process.stdout.write(stableJson(published) + '\n');
      process.stderr.write(holdBackText(build, held_back));
      const held = heldBackError(build, held_back, 'released');
      if (held) throw held;
    },
  },
  backfill: {
    summary: 'ingest and build one shard of a window\'s days (--shard i/N); `lpdata release` publishes the union',
    usage: `lpdata backfill --from D --to D [--shard i/N] [--no-release] [--rebuild] [--embedded --seed S --scale N --start D --days N]

Shard i of N takes a contiguous run of the window's UTC days, ingests them (with the days around
them that their models read) and builds them into <data-dir>. Copy every shard's data/build (and
data/raw/**/_manifest.json, for the release's source figures) into one data folder, then
\`lpdata release --from D --to D\` publishes the window: the same bytes as one \`lpdata run\`. Without
--no-release a shard that finds every day of the window built also releases. Default --shard 0/1.`,
    options: { ...COMMON, ...NETWORK, shard: { type: 'string' }, 'no-release': { type: 'boolean' }, rebuild: { type: 'boolean' }, embedded: { type: 'boolean' } },
    async run(v) {
      const shard = parseShard(typeof v.shard === 'string' ? v.shard : '0/1');
      const out = await withNetwork(configFor(v), v, (c, w) => backfill(c, w, shard, log, { release: !v['no-release'], rebuild: Boolean(v.rebuild) }));
      process.stdout.write(
        stableJson({
          shard: `${shard.index}/${shard.count}`,
          days: out.days,
          jobs: out.ingested.length,
          rows: out.ingested.reduce((n, r) => n + r.rows, 0),
          built: out.build?.days.map((d) => ({ day: d.day, built: d.built.length, skipped: d.skipped.length })) ?? [],
          releases: out.released?.published.map((p) => ({ dataset: p.dataset_id, release_id: p.release_id, new: p.created })) ?? null,
          waiting_for: out.waiting_for,
        }) + '\n',
      );
      if (out.build) process.stderr.write(holdBackText(out.build, out.released?.held_back));
      const held = out.build && heldBackError(out.build, out.released?.held_back, out.released ? 'released' : 'built');
      if (held) throw held;
    },
  },
  site: {
    summary: 'build the report site from the release store',
    usage: 'lpdata site [--store DIR] [--out DIR]',
    options: { ...COMMON, store: { type: 'string' }, out: { type: 'string' } },
    async run(v) {
      const config = configFor(v);
      const r = await buildSite({ store: (v.store as string | undefined) ?? config.store, outDir: v.out as string | undefined });
      process.stdout.write(stableJson({ site: r.outDir, store: r.store, elapsed_ms: r.elapsedMs }) + '\n');
    },
  },
  schedule: {
    summary: 'run jobs on the committed schedule (jobs/schedule.yml), UTC, never overlapping',
    usage: `lpdata schedule [--once] [--file jobs/schedule.yml]

Long-running by default. --once runs every entry one time, in file order, then exits (non-zero if any failed).`,
    options: { ...COMMON, ...NETWORK, once: { type: 'boolean' }, file: { type: 'string' }, embedded: { type: 'boolean' } },
    async run(v) {
      const entries = loadSchedule((v.file as string | undefined) ?? SCHEDULE_FILE);
      await withNetwork(configFor(v), v, async (config, _window, net) => {
        const runEntry = async (e: ScheduleEntry, window: Window) => {
          const [cmd, ...args] = e.run.split(/\s+/);
          if (cmd === 'pipeline') {
            const out = await wholePipeline(config, window);
            process.stderr.write(holdBackText(out.built, out.held_back));
            const held = heldBackError(out.built, out.held_back, 'released');
            if (held) throw held;
          }
          else if (cmd === 'ingest') await ingest(selectJobs(args), config, window, log.child({ schedule: e.name }));
          else throw new UserError(`schedule entry ${e.name}: unknown command "${cmd}"`, 'use `ingest <sources>` or `pipeline`');
        };
        if (v.once) {
          // On the embedded network the clock is the simulation's: 02:30 UTC the day after its window,
          // when the daily release runs for the simulated day.
          const now = net ? net.world.window.to + 2.5 * 3_600_000 : Date.now();
          const results = await runOnce(entries, runEntry, log, now);
          process.stdout.write(stableJson(results) + '\n');
          if (results.some((r) => !r.ok)) throw new UserError(`${results.filter((r) => !r.ok).length} scheduled job(s) failed`, 'see the error lines above');
          return;
        }
        if (net) log.warn('scheduling on the embedded network: runs use the real clock, so windows after the simulated days will be empty');
        const tasks = startScheduler(entries, runEntry, log);
        await new Promise<void>((done) => process.once('SIGINT', () => done()));
        for (const t of tasks) await t.destroy();
      });
    },
  },
  metrics: {
    summary: 'print the metric registry (--json for machine use; --docs DIR writes a page per metric)',
    usage: `lpdata metrics [--json] [--docs DIR] [--family NAME]

The registry lives in models/metrics/*.yml; see models/metrics/README.md for its fields.`,
    options: { help: COMMON.help!, json: { type: 'boolean' }, docs: { type: 'string' }, family: { type: 'string' } },
    async run(v) {
      const families = loadRegistry(METRICS_DIR).filter((f) => !v.family || f.family === v.family);
      if (v.family && families.length === 0) throw new UserError(`no metric family "${v.family}"`, `families: ${loadRegistry(METRICS_DIR).map((f) => f.family).join(', ')}`);
      const metrics = allMetrics(families);
      if (typeof v.docs === 'string') {
        await mkdir(v.docs, { recursive: true });
        for (const m of metrics) await writeFile(join(v.docs, `${m.id}.md`), metricPage(m));
        process.stdout.write(`wrote ${metrics.length} metric pages to ${v.docs}\n`);
        return;
      }
      if (v.json) {
        process.stdout.write(stableJson({ metrics: metrics.map(({ family, ...m }) => ({ family, ...m })) }) + '\n');
        return;
      }
      for (const f of families) {
        process.stdout.write(`${f.title} (${f.family})\n`);
        for (const m of f.metrics) process.stdout.write(`  ${m.id.padEnd(36)} ${m.unit.padEnd(12)} ${m.status.padEnd(12)} ${m.formula}\n`);
      }
    },
  },
  verify: {
    summary: 'verify a release: every checksum, row count and schema, and each ratio recomputed from its parts',
    usage: `lpdata verify <manifest.json path | s3://... | https://...> [--json]

Exits 0 only when every check passes; a failing check names the object.`,
    options: { help: COMMON.help!, json: { type: 'boolean' } },
    async run(v, args) {
      if (args.length !== 1) throw new UserError('verify takes one manifest location', 'e.g. lpdata verify data/store/orchestrator_workflow_hourly/v1/<release>/manifest.json');
      const report = await verifyRelease(args[0]!, loadConfig().s3);
      process.stdout.write(v.json ? stableJson(report) + '\n' : formatReport(report));
      if (!report.ok) throw new UserError(`release ${report.release_id} failed ${report.checks.filter((c) => !c.ok).length} check(s)`, 'the failing objects are listed above; re-publish or re-mirror them');
    },
  },
  mirror: {
    summary: 'copy releases from one store to another (folders or s3://) and verify every copy',
    usage: 'lpdata mirror <from-store> <to-store> [--dataset ID ...]',
    options: { help: COMMON.help!, dataset: { type: 'string', multiple: true } },
    async run(v, args) {
      if (args.length !== 2) throw new UserError('mirror takes a source and a destination store', 'e.g. lpdata mirror data/store s3://bucket/livepeer-network-data');
      const reports = await mirror(args[0]!, args[1]!, log, { s3: loadConfig().s3, datasets: v.dataset as string[] | undefined });
      for (const r of reports) process.stdout.write(formatReport(r));
      if (reports.some((r) => !r.ok)) throw new UserError('some mirrored releases failed verification', 'see the FAIL lines above');
    },
  },
  loadtest: {
    summary: 'run a load-test plan against a gateway and write a bundle, or verify a bundle',
    usage: `lpdata loadtest run <plan.yml> --gateway <url> [--out DIR] [--region CODE]
lpdata loadtest verify <bundle dir>

run: sends the plan's requests (progress on stderr), writes <out>/runs/<run_id>/{manifest.json,
requests.ndjson}; Ctrl-C stops sending and leaves a valid bundle marked partial. The default --out
is LPDATA_LOADTESTS or <data-dir>/loadtests. verify: checks every hash and recomputes the summary;
exits 0 only when they match.`,
    options: { ...COMMON, gateway: { type: 'string' }, out: { type: 'string' }, region: { type: 'string' } },
    async run(v, args) {
      const [sub, target] = args;
      if (sub === 'verify' && target) {
        const report = verifyBundle(target);
        process.stdout.write(stableJson(report) + '\n');
        if (!report.ok) throw new UserError(`bundle ${report.run_id} failed verification: ${report.problems.join('; ')}`, 'the bundle was altered after it was written, or is incomplete');
        return;
      }
      if (sub !== 'run' || !target) throw new UserError('usage: lpdata loadtest run <plan.yml> --gateway <url> | lpdata loadtest verify <bundle>', 'see lpdata loadtest --help');
      if (typeof v.gateway !== 'string') throw new UserError('loadtest run needs --gateway', 'e.g. --gateway http://127.0.0.1:8935');
      const config = configFor(v);
      const plan = loadPlan(target);
      const controller = new AbortController();
      process.once('SIGINT', () => {
        log.warn('stopping: no more requests are sent; the bundle will be marked partial');
        controller.abort();
      });
      const r = await runPlan(plan, {
        gateway: v.gateway,
        out: (v.out as string | undefined) ?? config.endpoints.loadtests ?? join(config.dataDir, 'loadtests'),
        vantageRegion: (v.region as string | undefined) ?? 'UNKNOWN',
        log,
        signal: controller.signal,
      });
      process.stdout.write(stableJson({ run_id: r.runId, bundle: r.dir, status: r.status, requests: r.records.length }) + '\n');
    },
  },
  jobs: {
    summary: 'list ingest jobs by source',
    usage: 'lpdata jobs',
    options: { help: COMMON.help! },
    async run() {
      for (const [source, jobs] of Object.entries(SOURCES)) for (const j of jobs) process.stdout.write(`${source}\t${j.name}\t${j.description}\n`);
    },
  },
  check: {
    summary: 'check model contracts, the layer rule and committed dataset schemas',
    usage: 'lpdata check [--data-dir DIR]   (schema checks need a build)',
    options: { ...COMMON },
    async run(v) {
      const config = configFor(v);
      const models = discoverModels(MODELS_DIR);
      const problems = checkLayers(models);
      for (const p of problems) process.stdout.write(`layer: ${p.model} ${p.problem}\n`);
      for (const p of registryProblems(loadRegistry(METRICS_DIR), models)) {
        problems.push({ model: 'registry', problem: p });
        process.stdout.write(`registry: ${p}\n`);
      }
      const byName = new Map(models.map((m) => [m.contract.name, m]));
      for (const d of loadDescriptors()) {
        const m = byName.get(d.model);
        if (m) {
          const p = latestBuild(config.dataDir, m);
          try {
            if (!p) throw new UserError(`dataset ${d.id}: model ${d.model} has not been built`, 'run `lpdata build`');
            checkSchema(d, await parquetSchema(p));
          } catch (err) {
            problems.push({ model: d.model, problem: err instanceof Error ? err.message : String(err) });
            process.stdout.write(`schema: ${err instanceof Error ? err.message : String(err)}\n`);
          }
        }
      }
      if (problems.length) throw new UserError(`${problems.length} check(s) failed`, 'fix the problems listed above');
      process.stdout.write(`ok: ${models.length} models, layers and schemas consistent\n`);
    },
  },
  schema: {
    summary: 'print each dataset schema from the current build; --write commits it to datasets/<id>/schema.json',
    usage: 'lpdata schema [dataset ...] [--write]   (default: every dataset)',
    options: { ...COMMON, write: { type: 'boolean' } },
    async run(v, ids) {
      const config = configFor(v);
      const byName = new Map(discoverModels(MODELS_DIR).map((m) => [m.contract.name, m]));
      const all = loadDescriptors();
      for (const id of ids) if (!all.some((d) => d.id === id)) throw new UserError(`no dataset named ${id}`, `datasets: ${all.map((d) => d.id).join(', ')}`);
      for (const d of all.filter((x) => ids.length === 0 || ids.includes(x.id))) {
        const m = byName.get(d.model);
        if (!m) throw new UserError(`dataset ${d.id} names unknown model ${d.model}`);
        const built = latestBuild(config.dataDir, m);
        if (!built) throw new UserError(`dataset ${d.id}: model ${d.model} has not been built`, 'run `lpdata build` first');
        const columns = await parquetSchema(built);
        const body = stableJson({ dataset_id: d.id, version: d.version, columns }) + '\n';
        if (v.write) {
          await mkdir(join(DATASETS_DIR, d.id), { recursive: true });
          await writeFile(join(DATASETS_DIR, d.id, 'schema.json'), body);
          process.stdout.write(`wrote datasets/${d.id}/schema.json (${columns.length} columns, version ${d.version})\n`);
        } else process.stdout.write(body);
      }
    },
  },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `lpdata: open datasets of the Livepeer network's performance, reliability and demand

Usage: lpdata <command> [options]     (lpdata <command> --help for its options)

Commands:
${Object.entries(commands)
  .map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Common options: --from, --to (UTC window, YYYY-MM-DD or RFC 3339), --data-dir (default ./data).
Environment: LPDATA_* endpoints and AWS_* store settings, see .env.example.
Exit status: 0 done; 1 failed (nothing published); 2 usage; 3 partly done: a model failed an error
contract test and was held back with what depends on it, the rest was built and released.
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`lpdata: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`lpdata ${name}: ${(err as Error).message}\n\nUsage: ${cmd.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    await cmd.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof HeldBackError) {
      log.error(`${name} held back datasets`, { error: message });
      process.stderr.write(`\nlpdata ${name}: ${message}\n`);
      return err.exitCode;
    }
    log.error(`${name} failed`, { error: message });
    process.stderr.write(`\nlpdata ${name} failed: ${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
