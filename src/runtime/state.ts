/**
 * State that outlives a config reload, owned by one object per router process (created by the
 * composition root and handed to every runtime it builds): the loaded models (one load per model,
 * kept across reloads that keep it), semantic cache stores (with their coalescers), shared by
 * consecutive runtimes whose storage settings match, and the batch API's concurrency slots. It
 * replaces module-level maps. State shared between router replicas lives here too: the state store
 * (`state_store`: memory or Redis; rate limits, budgets, selection scores, splits), opened once
 * per distinct setting and kept across reloads, so counters and connections survive a config change.
 */
import { isAbsolute, resolve } from 'node:path'
import type { CacheStore } from '../cache/open.js'
import { ApiKeyRing } from '../config/api-keys.js'
import { BodyBudget } from '../edge/body-budget.js'
import type { StateStoreConfig } from '../config/schema/security.js'
import { WatchedFile } from '../config/watched-file.js'
import { ModelRegistry } from '../ml/registry.js'
import { EndpointStats } from './endpoint-stats.js'
import { openStateStore, stateStoreKey } from '../state/open.js'
import type { StateStore } from '../state/types.js'
import { RouterEvents } from './events.js'

/** Small integers handed out lowest-free-first (bounded label values, e.g. `batch_id`). */
export class SlotPool {
  private readonly busy = new Set<number>()

  take(): number {
    let slot = 0
    while (this.busy.has(slot)) slot++
    this.busy.add(slot)
    return slot
  }

  free(slot: number): void {
    this.busy.delete(slot)
  }
}

export class RouterState {
  /** Loaded models, shared by every runtime (and every role) that uses the same model. */
  readonly models: ModelRegistry
  /** Open semantic cache stores by storage settings (ref-counted by the runtimes using them). */
  readonly cacheStores = new Map<string, CacheStore>()
  /** `batch_id` slots of POST /api/v1/classify/batch. */
  readonly batchSlots = new SlotPool()
  /** Live per-endpoint / per-model load and health (both transports feed it; kept across reloads). */
  readonly endpointStats = new EndpointStats()
  private readonly stores = new Map<string, StateStore>()
  /** Request body bytes held by requests in flight, both transports (server.max_inflight_body_bytes). */
  readonly requestBytes = new BodyBudget()
  /** Per-request events for live consumers (the console); costs nothing until one subscribes. */
  readonly events = new RouterEvents()
  private readonly keyRings = new Map<string, ApiKeyRing>()
  private readonly tokens = new Map<string, WatchedFile<string>>()

  /**
   * The API keys of `security.auth.keys_file`, loaded once per path and re-read when the file
   * changes (so the keys outlive reloads and the file is watched once).
   */
  keyRing(file: string, intervalMs: number, onError: (err: Error) => void): ApiKeyRing {
    const path = this.secretPath(file)
    let ring = this.keyRings.get(path)
    if (ring === undefined) {
      ring = new ApiKeyRing(path, intervalMs, { onError })
      this.keyRings.set(path, ring)
    }
    return ring
  }

  /** A token file (`security.auth.metrics_token_file`), trimmed, re-read when it changes. */
  tokenFile(name: string, intervalMs: number, onError: (err: Error) => void): WatchedFile<string> {
    const path = this.secretPath(name)
    let file = this.tokens.get(path)
    if (file === undefined) {
      file = new WatchedFile({ path, intervalMs, parse: (text) => text.trim(), onError })
      this.tokens.set(path, file)
    }
    return file
  }

  /**
   * The shared state store for these settings: opened on first use and kept (across reloads) until
   * the process stops; a reload that keeps `state_store` unchanged keeps counters and connection.
   * `onError` hears connection errors of a store this call opens.
   */
  stateStore(
    config: StateStoreConfig,
    onError: (err: Error) => void = () => undefined,
  ): StateStore {
    const key = stateStoreKey(config)
    let store = this.stores.get(key)
    if (store === undefined) {
      store = openStateStore(config, onError)
      this.stores.set(key, store)
    }
    return store
  }

  private readonly ownsModels: boolean

  /** Where relative secret-file paths (keys, token) are: the config file's folder. */
  private readonly configDir: string | undefined

  /**
   * `models`: share a registry another owner closes (tools and tests that build many states).
   * `configDir`: the config file's folder, which relative keys and token paths are read from.
   */
  constructor(options: { readonly models?: ModelRegistry; readonly configDir?: string } = {}) {
    this.models = options.models ?? new ModelRegistry()
    this.ownsModels = options.models === undefined
    this.configDir = options.configDir
  }

  private secretPath(file: string): string {
    return this.configDir === undefined || isAbsolute(file) ? file : resolve(this.configDir, file)
  }

  /** Close what is still open (stores whose runtimes were not closed), then the models. */
  async close(): Promise<void> {
    const stores = [...this.cacheStores.values()]
    this.cacheStores.clear()
    for (const ring of this.keyRings.values()) ring.close()
    for (const file of this.tokens.values()) file.close()
    this.keyRings.clear()
    this.tokens.clear()
    const shared = [...this.stores.values()]
    this.stores.clear()
    await Promise.allSettled([
      ...stores.map((s) => s.cache.close()),
      ...shared.map((s) => s.close()),
    ])
    if (this.ownsModels) await this.models.close()
  }
}
