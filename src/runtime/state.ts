/**
 * State that outlives a config reload, owned by one object per router process (created by the
 * composition root and handed to every runtime it builds): the loaded models (one load per model,
 * kept across reloads that keep it), semantic cache stores (with their coalescers), shared by
 * consecutive runtimes whose storage settings match, and the batch API's concurrency slots. It
 * replaces module-level maps. This is also where state shared between router replicas (rate
 * limits, scores, splits; Redis-backed) will live.
 */
import type { CacheStore } from '../cache/open.js'
import { ModelRegistry } from '../ml/registry.js'

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

  private readonly ownsModels: boolean

  /** `models`: share a registry another owner closes (tools and tests that build many states). */
  constructor(options: { readonly models?: ModelRegistry } = {}) {
    this.models = options.models ?? new ModelRegistry()
    this.ownsModels = options.models === undefined
  }

  /** Close what is still open (stores whose runtimes were not closed), then the models. */
  async close(): Promise<void> {
    const stores = [...this.cacheStores.values()]
    this.cacheStores.clear()
    await Promise.allSettled(stores.map((s) => s.cache.close()))
    if (this.ownsModels) await this.models.close()
  }
}
