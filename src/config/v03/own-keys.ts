/**
 * This router's own semantic-cache options (verification, backends, timeouts), which a v0.3 file
 * carries in `global.stores.response_cache` next to upstream's keys.
 */
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
