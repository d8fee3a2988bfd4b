/**
 * This router's own semantic-cache options (verification, backends, timeouts), which a v0.3 file
 * carries in `global.stores.response_cache` next to upstream's keys.
 */
/**
 * Upstream's response-cache backends this build does not have. Any other `backend_type` is a
 * cache backend kind of ours (memory, postgres, hybrid, or one an app registers), passed through
 * and checked by the cache backend registry when the config loads.
 */
export const UPSTREAM_ONLY_CACHE_BACKENDS: ReadonlySet<string> = new Set([
  'redis',
  'valkey',
  'milvus',
  'qdrant',
])

export const OWN_CACHE_KEYS = [
  'multi_turn',
  'coalesce_wait_ms',
  'lookup_timeout_ms',
  'write_timeout_ms',
  'failure_threshold',
  'cooldown_ms',
  'max_response_bytes',
  'verification',
  'backend',
] as const
