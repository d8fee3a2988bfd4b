/**
 * One served model: its current behaviour and its generation slots. With `maxConcurrency` set,
 * requests beyond it wait in a bounded FIFO queue (what vLLM reports as waiting requests).
 */
import type { ModelBehaviour } from './behaviour.js'
import type { SimulatorMetrics } from './metrics.js'

export class QueueFullError extends Error {
  constructor(model: string) {
    super(`simulated model ${model} has too many waiting requests`)
  }
}

export class ModelState {
  running = 0
  private readonly waiters: (() => void)[] = []

  constructor(
    readonly name: string,
    public behaviour: ModelBehaviour,
    private readonly metrics: SimulatorMetrics,
  ) {}

  get waiting(): number {
    return this.waiters.length
  }

  /** Wait for a slot; resolves to the release function. Rejects on abort or a full queue. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    const limit = this.behaviour.maxConcurrency
    if (limit > 0 && this.running >= limit) {
      if (this.waiters.length >= this.behaviour.maxWaiting) throw new QueueFullError(this.name)
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          const i = this.waiters.indexOf(wake)
          if (i !== -1) this.waiters.splice(i, 1)
          this.publish()
          reject(signal.reason as Error)
        }
        signal.addEventListener('abort', onAbort, { once: true })
        this.waiters.push(wake)
        this.publish()
      })
      // The releasing request handed its slot over: `running` already counts this one.
    } else {
      this.running++
    }
    this.publish()
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiters.shift()
      if (next === undefined) this.running--
      this.publish()
      next?.()
    }
  }

  private publish(): void {
    const labels = { model_name: this.name }
    this.metrics.set('vllm:num_requests_running', labels, this.running)
    this.metrics.set('vllm:num_requests_waiting', labels, this.waiters.length)
    this.metrics.set('vllm:kv_cache_usage_perc', labels, this.kvCacheUsage)
  }

  /**
   * KV-cache use as vLLM reports it (0..1): each running request holds an equal share of the
   * cache, sized for `maxConcurrency` requests (64 when unlimited), so it follows the real queue.
   */
  get kvCacheUsage(): number {
    const slots = this.behaviour.maxConcurrency > 0 ? this.behaviour.maxConcurrency : 64
    return Math.min(1, this.running / slots)
  }
}
