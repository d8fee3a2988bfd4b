/**
 * Helpers for the coalescing tests: poll captured logs, bound a promise with a deadline, a pipeline
 * module that holds the first request after the cache until the test says how it ends, and the
 * coalescing counter's current lines.
 */
import { Pipeline } from '../../src/pipeline/pipeline.js'
import {
  PLUGIN_API_VERSION,
  type ImmediateResponse,
  type PipelineModule,
} from '../../src/pipeline/types.js'
import type { LogLine, TestRuntime } from '../helpers/runtime.js'

/** Resolves once `count` log lines with this event were captured (fails after `timeoutMs`). */
export async function waitForEvents(
  logs: readonly LogLine[],
  event: string,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (logs.filter((l) => l.event === event).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${count} × ${event} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/**
 * The promise's value, or a failure naming what did not happen when it is still pending after
 * `ms`. The deadlines here are far below the wait bound the tests configure, and far above what
 * the awaited step takes even on a loaded machine: they turn a hang into a clear failure.
 */
export async function settledWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export type HoldEnd = 'answer' | 'fail' | 'pass'

/**
 * A pipeline module (the plugin contract any module implements) placed after the cache. It holds
 * the first request until the test ends it: answered by this module (403), failed, or passed on
 * to upstream. Later requests pass straight through.
 */
export class HoldFirstRequest implements PipelineModule {
  readonly name = 'hold_first_request'
  readonly apiVersion = PLUGIN_API_VERSION
  private held = false
  private end!: (how: HoldEnd) => void
  private readonly ending = new Promise<HoldEnd>((resolve) => (this.end = resolve))

  async onRequest(): Promise<ImmediateResponse | undefined> {
    if (this.held) return undefined
    this.held = true
    const how = await this.ending
    if (how === 'fail') throw new Error('module crashed')
    if (how === 'pass') return undefined
    return { status: 403, headers: {}, body: '{"error":{"message":"blocked"}}', kind: 'error' }
  }

  release(how: HoldEnd): void {
    this.end(how)
  }
}

/** The same pipeline with `extra` appended after its modules. */
export function withModule(base: Pipeline, extra: PipelineModule): Pipeline {
  return new Pipeline({ ...base, modules: [...base.modules, extra] })
}

/** The exposition lines of `llm_cache_coalesced_requests_total` (none before the first count). */
export async function coalescedCounts(t: TestRuntime): Promise<string[]> {
  const text = await t.metricsText()
  return text.split('\n').filter((l) => l.startsWith('llm_cache_coalesced_requests_total'))
}
