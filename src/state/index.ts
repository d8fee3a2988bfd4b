export type { CounterValue, StateStore } from './types.js'
export { MemoryStateStore } from './memory.js'
export { RedisStateStore, type RedisStoreOptions } from './redis.js'
export { openStateStore, stateStoreKey } from './open.js'
