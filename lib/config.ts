// One typed configuration, read from the environment once per entry point.
import { resolve } from 'node:path';
import { UserError } from './errors.ts';

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
  const dataDir = resolve(env.LPDATA_DATA_DIR ?? 'data');
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
