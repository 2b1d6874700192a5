// Calls to the two leaderboard-serverless deployments: transcoding probes (Livepeer Inc) and AI
// probes (Cloud SPE). Every windowed call passes explicit since/until in Unix seconds, because
// the server's defaults follow its own clock (docs/sources.md §8.2, §15.4).
import { endpoint, type Config } from '../../lib/config.ts';
import { redactUrl, requestJson } from '../../lib/http.ts';
import type { Logger } from '../../lib/log.ts';
import type { Window } from '../../lib/time.ts';

export type Deployment = 'transcoding' | 'ai';

export interface LeaderboardCall {
  deployment: Deployment;
  path: string;
  params: Record<string, string>;
}

export interface LeaderboardApi {
  get<T>(call: LeaderboardCall): Promise<T>;
  /** Both base URLs, credentials removed, for manifests. */
  describe(): string;
}

export interface HttpTuning {
  retries?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
}

export function leaderboardApi(config: Config, log: Logger, http: HttpTuning = {}): LeaderboardApi {
  const bases: Record<Deployment, string> = {
    transcoding: endpoint(config, 'leaderboard').replace(/\/$/, ''),
    ai: endpoint(config, 'aiLeaderboard').replace(/\/$/, ''),
  };
  return {
    async get<T>(call: LeaderboardCall): Promise<T> {
      const q = new URLSearchParams(call.params).toString();
      const url = `${bases[call.deployment]}${call.path}${q ? `?${q}` : ''}`;
      const { body } = await requestJson<T>(url, { ...http, log });
      return body;
    },
    describe: () => `transcoding=${redactUrl(bases.transcoding)} ai=${redactUrl(bases.ai)}`,
  };
}

/**
 * since/until for one UTC day. The server filters `event_time >= since AND event_time <= until`
 * (Postgres keeps microseconds), so `until` is the last microsecond before the day ends: a probe
 * inserted exactly at midnight then belongs to the next day only.
 */
export function daySeconds(day: Window): { since: string; until: string } {
  const micros = day.to * 1000 - 1;
  return { since: String(day.from / 1000), until: `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}` };
}

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
