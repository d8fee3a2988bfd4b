/**
 * The playground: what the router would do with a text, on the path `semantic-router classify`
 * takes (src/pipeline/preview.ts), with nothing sent to a model and nothing recorded as traffic.
 *
 * It runs on a preview runtime built from the serving config that shares the serving runtime's
 * loaded models and detectors but has its own metrics registry, a silent log, no semantic cache
 * and its own event bus — so a playground request is never counted in /metrics, never logged as a
 * routing decision, never answered from or written to the cache, and never shows up in the live
 * views. The preview is rebuilt when the serving runtime changes (a reload).
 */
import { randomUUID } from 'node:crypto'
import { silentLogger } from '../log.js'
import { RouterMetrics } from '../metrics/router-metrics.js'
import type { Runtime } from '../pipeline/runtime.js'
import { decisionEvent } from '../pipeline/decision-event.js'
import { describeOutcome, previewRequest } from '../pipeline/preview.js'
import { deniedTypes } from '../routing/pii-policy.js'
import type { RuntimeServices } from '../runtime/services.js'
import { RouterState } from '../runtime/state.js'
import type { PlaygroundResult } from './frames.js'

/** Builds a runtime from a config with the given services (injected by the composition root). */
export type PreviewBuilder = (source: Runtime, services: RuntimeServices) => Promise<Runtime>

interface Preview {
  readonly source: Runtime
  readonly built: Promise<Runtime>
  users: number
  retired: boolean
}

export class Playground {
  private readonly build: PreviewBuilder
  private current: Preview | undefined

  constructor(build: PreviewBuilder) {
    this.build = build
  }

  /** Decide `text` as the serving runtime `runtime` would (the caller holds its lease). */
  async run(runtime: Runtime, text: string, model: string | undefined): Promise<PlaygroundResult> {
    const started = performance.now()
    const preview = this.previewFor(runtime)
    preview.users++
    try {
      const pipeline = (await preview.built).pipeline
      const requested = model ?? runtime.config.auto_model_name
      const id = `playground-${randomUUID()}`
      const outcome = await previewRequest(pipeline, text, requested, id)
      const ctx = outcome.ctx
      const response = outcome.action === 'respond' ? outcome.response : undefined
      const elapsed = (performance.now() - started) / 1000
      const explanation = decisionEvent(
        ctx,
        {
          status: response?.status ?? 0,
          latencySeconds: elapsed,
          usage: undefined,
          error: undefined,
        },
        pipeline.tables,
        response,
      )
      const distribution = ctx.classification?.distribution ?? []
      return {
        decision: describeOutcome(outcome),
        probabilities: distribution
          .map((d) => ({
            category: pipeline.tables.categories.translate(d.category),
            probability: d.probability,
          }))
          .sort((a, b) => b.probability - a.probability),
        explanation,
        guards: await guardResults(runtime, text, ctx.selectedModel),
        processingMs: Math.round((performance.now() - started) * 1000) / 1000,
      }
    } finally {
      preview.users--
      if (preview.retired && preview.users === 0) void this.dispose(preview)
    }
  }

  async close(): Promise<void> {
    const p = this.current
    this.current = undefined
    if (p) {
      p.retired = true
      if (p.users === 0) await this.dispose(p)
    }
  }

  private previewFor(runtime: Runtime): Preview {
    const current = this.current
    if (current?.source === runtime) return current
    if (current) {
      current.retired = true
      if (current.users === 0) void this.dispose(current)
    }
    const built = this.build(runtime, previewServices(runtime.services))
    built.catch(() => undefined)
    const next: Preview = { source: runtime, built, users: 0, retired: false }
    this.current = next
    // A failed build is retried on the next request instead of failing every later one.
    built.catch(() => {
      if (this.current === next) this.current = undefined
    })
    return next
  }

  private async dispose(p: Preview): Promise<void> {
    try {
      await (await p.built).close()
    } catch {
      // a preview that never built has nothing to close
    }
  }
}

/**
 * The serving runtime's services (its loaded models and detectors) without its side effects: a
 * private metrics registry, a silent log, no semantic cache, a private state (so no live events)
 * sharing the loaded models; closing it closes nothing shared.
 */
function previewServices(services: RuntimeServices): RuntimeServices {
  return {
    log: silentLogger(),
    metrics: new RouterMetrics(),
    baseDir: services.baseDir,
    state: new RouterState({ models: services.state.models }),
    embedder: () => services.embedder(),
    jailbreakDetector: () => services.jailbreakDetector(),
    piiDetector: () => services.piiDetector(),
    semanticCache: () => Promise.resolve(null),
    openedSemanticCache: () => undefined,
    close: () => Promise.resolve(),
  }
}

async function guardResults(
  runtime: Runtime,
  text: string,
  selectedModel: string,
): Promise<PlaygroundResult['guards']> {
  const config = runtime.config
  const [jailbreak, pii] = await Promise.all([
    runtime.services.jailbreakDetector(),
    runtime.services.piiDetector(),
  ])
  const threshold = config.classifier.pii_model.threshold
  const verdict = jailbreak ? await jailbreak.detect(text) : undefined
  const entities = pii ? (await pii.detect(text)).filter((e) => e.confidence >= threshold) : []
  const types = [...new Set(entities.map((e) => e.type))].sort()
  return {
    jailbreak:
      jailbreak && verdict
        ? {
            enabled: true,
            isJailbreak: verdict.isJailbreak && verdict.confidence >= config.prompt_guard.threshold,
            label: verdict.label,
            confidence: verdict.confidence,
            threshold: config.prompt_guard.threshold,
            detector: jailbreak.kind,
          }
        : null,
    pii: pii
      ? {
          enabled: true,
          entities: entities.map((e) => ({
            type: e.type,
            confidence: e.confidence,
            start: e.start,
            end: e.end,
          })),
          deniedBySelectedModel: deniedTypes(config, selectedModel, types),
        }
      : null,
  }
}
