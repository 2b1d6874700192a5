// Active probes as the two testers post them to the leaderboard (docs/sources.md §8.4, §9):
// the AI job tester sends one job per orchestrator x workflow from each AI region every hour; the
// transcoding orch-tester streams a 30 s clip (15 segments of 2 s, 3 renditions) to every
// orchestrator from each transcoding region every hour. Success and timing follow each
// orchestrator's behaviour and the distance between prober and orchestrator.
import type { Rng } from '../../lib/rng.ts';
import { HOUR_MS } from '../../lib/time.ts';
import { PROBE_REGIONS, type Orchestrator, type OrchWorkflow, type World } from '../world.ts';
import { networkRttSeconds, TRANSCODING_PROBE_REGIONS } from './regions.ts';

export type JobType = 'ai' | 'transcoding';

/** One posted Stats object, kept in the field order leaderboard-serverless re-encodes it in. */
export type Stats = Record<string, unknown>;

export interface ProbeRow {
  region: string;
  /** Lowercase, as posted. */
  orchestrator: string;
  jobType: JobType;
  /** Server insert time (`event_time`), the column since/until filter on. */
  eventTimeMs: number;
  stats: Stats;
}

const SEGMENTS = 15;
const PROFILES = 3;
const SEG_DURATION = 2.0;

/** The tester's request bodies: its configured parameters plus `model_id`, keys sorted as Go marshals a map. */
const PARAMETERS: Record<string, Record<string, unknown>> = {
  'text-to-image': { guidance_scale: 2, height: 512, num_images_per_prompt: 1, num_inference_steps: 6, prompt: 'a bear', safety_check: false, width: 512 },
  'image-to-image': { guidance_scale: 2, image_guidance_scale: 2, num_images_per_prompt: 1, num_inference_steps: 10, prompt: 'a bear in a hat', safety_check: false },
  llm: { max_tokens: 64, prompt: 'Tell a short story about a bear.', temperature: 0.7 },
  'audio-to-text': { return_timestamps: 'true' },
  'live-video-to-video': { prompt: 'watercolor painting style' },
};

function inputParameters(w: OrchWorkflow): string {
  const params: Record<string, unknown> = { ...(PARAMETERS[w.pipeline] ?? {}), model_id: w.model };
  return JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** models.Stats fields without omitempty, in struct order: always written, a missing slice as null. */
const ALWAYS = ['region', 'orchestrator', 'success_rate', 'round_trip_time', 'errors', 'timestamp'] as const;
/** models.Stats fields tagged omitempty, in struct order: dropped when 0, false or "". */
const OMITEMPTY = ['seg_duration', 'segments_sent', 'segments_received', 'upload_time', 'download_time', 'transcode_time', 'model', 'model_is_warm', 'pipeline', 'input_parameters', 'response_payload'] as const;
const GO_ZERO: Record<string, unknown> = { region: '', orchestrator: '', success_rate: 0, round_trip_time: 0, errors: null, timestamp: 0 };

/**
 * What post_stats stores and raw_stats returns: the posted body decoded into models.Stats and
 * marshalled again (§8.1, §8.4). Unknown keys are lost, omitempty fields equal to their zero value
 * are dropped (a run that received nothing has no segments_received, a cold model no
 * model_is_warm), an absent `errors` comes back null, and each error's empty message is dropped.
 */
export function storedStats(posted: Record<string, unknown>): Stats {
  const out: Stats = {};
  for (const k of ALWAYS) out[k] = posted[k] ?? GO_ZERO[k];
  if (Array.isArray(out.errors)) {
    out.errors = (out.errors as Record<string, unknown>[]).map((e) => ({ error_code: e.error_code ?? '', ...(e.message ? { message: e.message } : {}), count: e.count ?? 0 }));
  }
  for (const k of OMITEMPTY) if (posted[k]) out[k] = posted[k];
  return out;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function aiProbe(rng: Rng, o: Orchestrator, w: OrchWorkflow, region: string, startMs: number): ProbeRow {
  const b = o.behaviour;
  const net = networkRttSeconds(region, o.region);
  const failP = w.live ? b.startupFailP : b.batchFailP * (w.warm ? 1 : 2);
  const ok = !rng.chance(failP);
  const baseS = (w.live ? b.startupLatencyMs : b.batchLatencyMs) / 1000;
  // A cold model is loaded before the first inference.
  const coldS = w.warm ? 0 : rng.float(8, 20);
  let rtt = baseS * Math.exp(rng.normal(0, 0.15)) + coldS + 3 * net;
  const errors: unknown[] = [];
  let payload = '{"message":"(Job Tester) Capture Response Disabled"}';
  if (!ok) {
    if (rng.chance(0.25)) {
      // Transport errors carry the Go error text as the code, and the whole client timeout as RTT.
      rtt = 30 + rng.float(0, 0.05);
      errors.push({ error_code: `Post "http://ai-tester-gateway:8935/${w.pipeline}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, message: 'failed to process the job', count: 1 });
      payload = '';
    } else {
      const code = rng.pick(['503', '500', '400']);
      payload = code === '503' ? '{"error":{"message":"Service Unavailable Error"}}\n' : code === '500' ? '{"error":{"message":"Internal Server Error"}}\n' : '{"error":{"message":"invalid request"}}\n';
      errors.push({ error_code: code, message: payload, count: 1 });
      rtt = Math.min(rtt, rng.float(0.2, 2) + net);
    }
  }
  const timestamp = Math.floor(startMs / 1000);
  return {
    region,
    orchestrator: o.address,
    jobType: 'ai',
    eventTimeMs: Math.round(startMs + rtt * 1000 + rng.int(1000, 4000)),
    // The AI tester's own Stats struct (internal/types/types.go): every field, false and "" included.
    stats: storedStats({
      region,
      pipeline: w.displayName,
      model: w.model,
      model_is_warm: w.warm,
      input_parameters: inputParameters(w),
      response_payload: payload,
      orchestrator: o.address,
      success_rate: ok ? 1 : 0,
      round_trip_time: round(rtt, 9),
      errors,
      timestamp,
    }),
  };
}

function transcodingProbe(rng: Rng, o: Orchestrator, region: string, startMs: number): ProbeRow {
  const b = o.behaviour;
  const net = networkRttSeconds(region, o.region);
  const timestamp = Math.floor(startMs / 1000);
  const base = { region, orchestrator: o.address, timestamp, seg_duration: SEG_DURATION, segments_sent: SEGMENTS };
  const row = (stats: Stats, tookS: number): ProbeRow => ({ region, orchestrator: o.address, jobType: 'transcoding', eventTimeMs: Math.round(startMs + tookS * 1000 + rng.int(1000, 4000)), stats });
  if (rng.chance(b.startupFailP)) {
    // Nothing came back: 0 renditions and no timings measured (the tester averages no samples to 0).
    return row(storedStats({ ...base, segments_received: 0, success_rate: 0, round_trip_time: 0, upload_time: 0, download_time: 0, errors: [{ error_code: 'SegmentTranscodeTimeout', count: SEGMENTS }] }), 45);
  }
  let lost = 0;
  for (let i = 0; i < SEGMENTS * PROFILES; i++) if (rng.chance(b.startupFailP / 4)) lost++;
  const received = SEGMENTS * PROFILES - lost;
  const upload = 0.12 + 2 * net + Math.abs(rng.normal(0, 0.03));
  const download = 0.1 + 2 * net + Math.abs(rng.normal(0, 0.03));
  const transcode = Math.max(0.05, (b.e2eLatencyMs / 1000) * 0.6 * Math.exp(rng.normal(0, 0.2)));
  const rtt = upload + download + transcode;
  return row(
    storedStats({
      ...base,
      success_rate: received / (PROFILES * SEGMENTS),
      round_trip_time: round(rtt, 9),
      errors: lost > 0 ? [{ error_code: 'SegmentTranscodeFailed', count: lost }] : [],
      segments_received: received,
      upload_time: round(upload, 9),
      download_time: round(download, 9),
      transcode_time: round(transcode, 9),
    }),
    32 + rtt,
  );
}

/** Every probe row over the world's window, in insert-time order. */
export function simulateProbes(world: World, seedRng: Rng): ProbeRow[] {
  const rows: ProbeRow[] = [];
  const active = world.orchestrators.filter((o) => o.active);
  for (let h: number = world.window.from; h < world.window.to; h += HOUR_MS) {
    for (const region of PROBE_REGIONS) {
      // The AI tester walks orchestrators one job at a time, starting five minutes past the hour.
      let t = h + 5 * 60_000;
      for (const o of active) {
        for (const w of o.workflows) {
          const row = aiProbe(seedRng.fork(`ai/${h}/${region}/${o.index}/${w.model}`), o, w, region, t);
          rows.push(row);
          t = row.eventTimeMs + 500;
        }
      }
    }
    for (const region of TRANSCODING_PROBE_REGIONS) {
      active.forEach((o, i) => {
        rows.push(transcodingProbe(seedRng.fork(`tx/${h}/${region}/${o.index}`), o, region, h + 20 * 60_000 + i * 40_000));
      });
    }
  }
  return rows
    .filter((r) => r.eventTimeMs < world.window.to)
    .sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.orchestrator < b.orchestrator ? -1 : a.orchestrator > b.orchestrator ? 1 : 0) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
}
