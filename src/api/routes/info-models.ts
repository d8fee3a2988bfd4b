/**
 * GET /info/models — the classifiers and models this router runs, in upstream's shape
 * (`{"models":[...], "system":{...}}`). `system.runtime_version` replaces upstream's `go_version`.
 */
import type { RouterConfig } from '../../config/schema/index.js'
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

interface ModelInfo {
  name: string
  type: string
  loaded: boolean
  model_path: string
  categories: readonly string[]
  metadata: Record<string, unknown>
}

export const infoModelsRoute: ApiRoute = {
  method: 'GET',
  path: '/info/models',
  summary: 'Classifiers and models in use, and process information',
  handle: (_req, ctx) => {
    const runtime = requireRuntime(ctx)
    const config = runtime.config
    const models: ModelInfo[] = runtime.pipeline.classifiers.links.map(({ classifier }) => ({
      name: `${classifier.kind}_classifier`,
      type: 'category_classification',
      loaded: true,
      model_path: modelPathOf(classifier.kind, config),
      categories: classifier.labels,
      metadata: { kind: classifier.kind },
    }))
    if (config.prompt_guard.enabled)
      models.push({
        name: 'jailbreak_classifier',
        type: 'security_detection',
        loaded: true,
        model_path: config.prompt_guard.model_id,
        categories: [],
        metadata: { threshold: config.prompt_guard.threshold },
      })
    if (config.classifier.pii_model.model_id !== '')
      models.push({
        name: 'pii_classifier',
        type: 'pii_detection',
        loaded: true,
        model_path: config.classifier.pii_model.model_id,
        categories: [],
        metadata: { threshold: config.classifier.pii_model.threshold },
      })
    const memory = process.memoryUsage()
    return {
      body: {
        models,
        system: {
          runtime_version: `node ${process.version}`,
          architecture: process.arch,
          os: process.platform,
          memory_usage: `${(memory.rss / 1024 / 1024).toFixed(1)} MB`,
          gpu_available: false,
        },
      },
    }
  },
}

function modelPathOf(kind: string, config: RouterConfig): string {
  if (kind === 'model') return config.classifier.category_model.model_id
  if (kind === 'embedding') return config.bert_model.model_id
  return ''
}
