// One typed configuration, read from the environment once per entry point.
import { join, resolve } from 'node:path';
import { UserError } from './errors.ts';
import { REPO_ROOT } from './paths.ts';

/** Where each source is reached. Folder paths or s3://bucket/prefix for archives; URLs otherwise. */
export interface Endpoints {
  gatewayEvents: string;
  naap: string;
  prometheus: string;
  subgraph: string;
  rpc: string;
  /** Transcoding probes (livepeer/leaderboard-serverless). */
  leaderboard: string;
  /** AI probes (the Cloud SPE deployment). */
  aiLeaderboard: string;
  loadtests: string;
  /** Operator region rules (a YAML/JSON file or http(s) URL), applied before jobs/reference/regions.yml. */
  regions: string;
}

export interface S3Settings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

export interface Config {
  dataDir: string;
  /** Object store for releases: a folder, or s3://bucket/prefix. */
  store: string;
  endpoints: Partial<Endpoints>;
  s3: S3Settings;
  /** Key for the keyed hash that replaces stream and request ids in published data. */
  hashKey: string;
  chainFinalityBlocks: number;
  /** Chain id the RPC endpoint must report (LPDATA_CHAIN_ID); unset: 42161, Arbitrum One. */
  chainId?: number;
  /** First block the chain jobs read when they have no watermark (LPDATA_CHAIN_START_BLOCK); unset: each contract's deployment block. */
  chainStartBlock?: number;
  /** Hours past a window's end whose archive files are still read, so late events find their day. */
  arrivalGraceHours: number;
  /** Where a publish is announced as a GitHub release (LPDATA_GITHUB_REPO=owner/repo and GITHUB_TOKEN). */
  github?: { owner: string; repo: string; token: string; baseUrl?: string; publicStoreUrl?: string };
}

export const ENDPOINT_VARS: Record<keyof Endpoints, string> = {
  gatewayEvents: 'LPDATA_GATEWAY_EVENTS',
  naap: 'LPDATA_NAAP_URL',
  prometheus: 'LPDATA_PROMETHEUS_URL',
  subgraph: 'LPDATA_SUBGRAPH_URL',
  rpc: 'LPDATA_RPC_URL',
  leaderboard: 'LPDATA_LEADERBOARD_URL',
  aiLeaderboard: 'LPDATA_AI_LEADERBOARD_URL',
  loadtests: 'LPDATA_LOADTESTS',
  regions: 'LPDATA_REGIONS',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const endpoints: Partial<Endpoints> = {};
  for (const [key, name] of Object.entries(ENDPOINT_VARS) as [keyof Endpoints, string][]) {
    const v = env[name]?.trim();
    if (v) endpoints[key] = v;
  }
  const finality = Number(env.LPDATA_CHAIN_FINALITY_BLOCKS ?? '20');
  if (!Number.isInteger(finality) || finality < 0) {
    throw new UserError(`LPDATA_CHAIN_FINALITY_BLOCKS="${env.LPDATA_CHAIN_FINALITY_BLOCKS}" is not a block count`, 'set a non-negative integer, e.g. 20');
  }
  const chainId = env.LPDATA_CHAIN_ID?.trim() ? Number(env.LPDATA_CHAIN_ID) : undefined;
  if (chainId !== undefined && (!Number.isInteger(chainId) || chainId <= 0)) {
    throw new UserError(`LPDATA_CHAIN_ID="${env.LPDATA_CHAIN_ID}" is not a chain id`, 'set a positive integer, e.g. 42161 for Arbitrum One');
  }
  const startBlock = env.LPDATA_CHAIN_START_BLOCK?.trim() ? Number(env.LPDATA_CHAIN_START_BLOCK) : undefined;
  if (startBlock !== undefined && (!Number.isInteger(startBlock) || startBlock < 0)) {
    throw new UserError(`LPDATA_CHAIN_START_BLOCK="${env.LPDATA_CHAIN_START_BLOCK}" is not a block number`, 'set a non-negative integer, e.g. 0 for a local chain');
  }
  const grace = Number(env.LPDATA_ARRIVAL_GRACE_HOURS ?? '2');
  if (!Number.isInteger(grace) || grace < 0 || grace > 48) {
    throw new UserError(`LPDATA_ARRIVAL_GRACE_HOURS="${env.LPDATA_ARRIVAL_GRACE_HOURS}" is not an hour count`, 'set an integer from 0 to 48, e.g. 2');
  }
  const dataDir = env.LPDATA_DATA_DIR ? resolve(env.LPDATA_DATA_DIR) : join(REPO_ROOT, 'data');
  return {
    dataDir,
    store: env.LPDATA_STORE ?? resolve(dataDir, 'store'),
    endpoints,
    s3: {
      endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: (env.LPDATA_S3_PATH_STYLE ?? 'true') !== 'false',
    },
    hashKey: env.LPDATA_HASH_KEY ?? 'embedded-network-public-key',
    chainFinalityBlocks: finality,
    arrivalGraceHours: grace,
    ...githubTarget(env),
    ...(chainId !== undefined ? { chainId } : {}),
    ...(startBlock !== undefined ? { chainStartBlock: startBlock } : {}),
  };
}

/** The endpoint a job needs, or an error naming the variable to set. */
export function endpoint(config: Config, key: keyof Endpoints): string {
  const v = config.endpoints[key];
  if (!v) {
    throw new UserError(`no endpoint for ${key}`, `set ${ENDPOINT_VARS[key]} (see .env.example), or run against the embedded network with \`lpdata run\``);
  }
  return v;
}

function githubTarget(env: NodeJS.ProcessEnv): Pick<Config, 'github'> {
  const repo = env.LPDATA_GITHUB_REPO?.trim();
  if (!repo) return {};
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(repo);
  if (!m) throw new UserError(`LPDATA_GITHUB_REPO="${repo}" is not owner/repo`, 'e.g. LPDATA_GITHUB_REPO=livepeer/network-data');
  if (!env.GITHUB_TOKEN) throw new UserError('LPDATA_GITHUB_REPO is set but GITHUB_TOKEN is not', 'set GITHUB_TOKEN to a token that may create releases, or unset LPDATA_GITHUB_REPO');
  return {
    github: {
      owner: m[1]!,
      repo: m[2]!,
      token: env.GITHUB_TOKEN,
      ...(env.LPDATA_GITHUB_API_URL ? { baseUrl: env.LPDATA_GITHUB_API_URL } : {}),
      ...(env.LPDATA_PUBLIC_STORE_URL ? { publicStoreUrl: env.LPDATA_PUBLIC_STORE_URL } : {}),
    },
  };
}
