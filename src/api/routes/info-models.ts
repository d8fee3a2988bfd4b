/**
 * GET /info/models — the classifiers and models this router runs, in upstream's shape
 * (`{"models":[...], "system":{...}}`). `system.runtime_version` replaces upstream's `go_version`.
 */
import type { RouterConfig } from '../../config/schema/index.js'
import { roleStatus, statusFields } from '../../ml/model-status.js'
import type { ModelRegistry } from '../../ml/registry.js'
import type { ModelRole } from '../../ml/roles.js'
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

interface ModelInfo {
  name: string
  type: string
  loaded: boolean
  model_path: string
  categories: readonly string[]
  metadata: Record<string, unknown>
  load_time?: string
  memory_usage?: string
}

/** Real load time and memory from the ML runtime, for entries backed by a loaded model. */
async function withModelStatus(
  models: ModelRegistry,
  info: ModelInfo,
  role: ModelRole | undefined,
): Promise<ModelInfo> {
  const status = role === undefined ? undefined : await roleStatus(models, role)
  if (!status) return info
  const fields = statusFields(status)
  return { ...info, ...fields, metadata: { ...info.metadata, ...fields.metadata } }
}

export const infoModelsRoute: ApiRoute = {
  method: 'GET',
  path: '/info/models',
  access: 'admin',
  summary: 'Classifiers and models in use, and process information',
  handle: async (_req, ctx) => {
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
    const roles: (ModelRole | undefined)[] = models.map((m) =>
      m.name === 'model_classifier'
        ? 'category'
        : m.name === 'jailbreak_classifier'
          ? 'jailbreak'
          : m.name === 'pii_classifier'
            ? 'pii'
            : m.name === 'embedding_classifier'
              ? 'embedding'
              : undefined,
    )
    const registry = runtime.services.state.models
    const embedding = await roleStatus(registry, 'embedding')
    if (embedding)
      models.push({
        name: 'embedding_model',
        type: 'sentence_embedding',
        loaded: true,
        model_path: config.bert_model.model_id === '' ? embedding.dir : config.bert_model.model_id,
        categories: [],
        metadata: { dimension: embedding.outputSize },
      })
    roles.push('embedding')
    const enriched = await Promise.all(models.map((m, i) => withModelStatus(registry, m, roles[i])))
    const memory = process.memoryUsage()
    return {
      body: {
        models: enriched,
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
