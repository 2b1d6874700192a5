// The event families the gateway topics carry and what the connector does with each. A producer
// writes any `type` it likes into the same topic, so a family no model reads is valid input, not an
// error: it is kept raw under its own entity and counted; a type nobody documents is kept too, under
// one `unknown` entity (its name never becomes a path), and flagged.

/** The seven families the staging models read (docs/sources.md §2.3-2.10). */
export const MODELLED_FAMILIES = [
  'stream_trace',
  'ai_stream_status',
  'ai_stream_events',
  'stream_ingest_metrics',
  'network_capabilities',
  'discovery_results',
  'create_new_payment',
] as const;

/**
 * Families real gateway topics carry that no model reads yet, with who writes them. Their payloads
 * are stored as sent and never read, so their shapes are not checked.
 */
export const STORED_FAMILIES: Readonly<Record<string, string>> = {
  // Upstream go-livepeer (monitor.SendQueueEventAsync call sites at 176aa415).
  create_signed_ticket: 'go-livepeer remote signer, server/remote_signer.go (§2.10)',
  // The naap-go-livepeer fork's AI batch and BYOC call sites (§2.11).
  ai_batch_request: 'naap-go-livepeer fork, server/ai_process.go (§2.11)',
  ai_llm_request: 'naap-go-livepeer fork, server/ai_process.go (§2.11)',
  job_gateway: 'naap-go-livepeer fork, byoc/job_gateway.go (§2.11)',
  job_orchestrator: 'naap-go-livepeer fork, relayed from the orchestrator (§2.11)',
  job_payment: 'naap-go-livepeer fork, byoc/payment.go (§2.11)',
  job_auth: 'naap-go-livepeer fork, relayed from the orchestrator (§2.11)',
  worker_lifecycle: 'naap-go-livepeer fork, relayed from the orchestrator (§2.11)',
  // Written into network_events by Daydream's services, not by go-livepeer; no public producer code.
  // NaaP's topic inspector counts them beside the seven families (§2.2).
  pipelines_api_request: 'Daydream API service (not go-livepeer) (§2.2)',
  webrtc_stats: 'Daydream WebRTC clients (not go-livepeer) (§2.2)',
};

export type FamilyStatus = 'modelled' | 'stored_not_modelled' | 'unknown';

/** The raw entity every type not listed above is kept under. */
export const UNKNOWN_ENTITY = 'unknown';

/** Every raw entity the connector writes records to, in a fixed order. */
export const FAMILY_ENTITIES: readonly string[] = [...MODELLED_FAMILIES, ...Object.keys(STORED_FAMILIES), UNKNOWN_ENTITY];

export function familyStatus(type: string): FamilyStatus {
  if ((MODELLED_FAMILIES as readonly string[]).includes(type)) return 'modelled';
  return Object.hasOwn(STORED_FAMILIES, type) ? 'stored_not_modelled' : 'unknown';
}
