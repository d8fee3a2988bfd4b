/**
 * Opens the state store a config asks for (`state_store`), and shares one store between
 * consecutive runtimes whose settings match (RouterState keeps it; it outlives reloads).
 */
import type { StateStoreConfig } from '../config/schema/security.js'
import { MemoryStateStore } from './memory.js'
import { RedisStateStore } from './redis.js'
import type { StateStore } from './types.js'

export function openStateStore(
  config: StateStoreConfig,
  onError: (err: Error) => void,
): StateStore {
  if (config.backend === 'memory') return new MemoryStateStore()
  return new RedisStateStore({
    url: config.redis.url,
    prefix: config.redis.key_prefix,
    connectTimeoutMs: config.redis.connect_timeout_ms,
    commandTimeoutMs: config.redis.command_timeout_ms,
    onError,
  })
}

/** What identifies a store: two configs with the same key share one open store. */
export function stateStoreKey(config: StateStoreConfig): string {
  return config.backend === 'memory' ? 'memory' : JSON.stringify(config.redis)
}
