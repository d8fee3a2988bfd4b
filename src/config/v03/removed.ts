/**
 * Fields upstream's loader refuses because they moved or were removed (`loader.go`). They are
 * errors here as well, with upstream's hint, so a file that upstream refuses is never half-read.
 * Checked on the raw document, before the schema (which would call them unknown keys).
 */
import type { PathSegment } from '../issues.js'

type Report = (severity: 'error', path: PathSegment[], message: string, key?: string) => void

const PROVIDER_MOVED: Record<string, string> = {
  model_targets: 'use providers.models[].backend_refs',
  backends: 'use providers.models[].backend_refs',
  auth_profiles: 'use backend_refs api_key_env / auth_header',
  default_model: 'moved to providers.defaults.default_model',
  reasoning_families: 'moved to providers.defaults.reasoning_families',
  default_reasoning_effort: 'moved to providers.defaults.default_reasoning_effort',
}

const MODEL_CARD_FIELDS = [
  'access',
  'endpoints',
  'access_key',
  'param_size',
  'context_window_size',
  'description',
  'capabilities',
  'loras',
  'quality_score',
  'modality',
  'tags',
]

const DECISION_REMOVED: Record<string, string> = {
  modelSelectionAlgorithm: 'use algorithm: {type: ...}',
  tool_scope: 'use a tools plugin',
  allow_tools: 'use a tools plugin',
  block_tools: 'use a tools plugin',
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** Report removed fields and delete them from `raw` (so no "unknown key" warning repeats them). */
export function rejectRemovedFields(raw: Record<string, unknown>, report: Report): void {
  const drop = (obj: Record<string, unknown>, path: PathSegment[], key: string, hint: string) => {
    if (!Object.hasOwn(obj, key)) return
    report('error', path, `was removed from the v0.3 schema: ${hint}`, key)
    delete obj[key]
  }
  const providers = raw['providers']
  if (isMap(providers)) {
    for (const [key, hint] of Object.entries(PROVIDER_MOVED))
      drop(providers, ['providers'], key, hint)
    list(providers['models']).forEach((m, i) => {
      if (!isMap(m)) return
      for (const key of MODEL_CARD_FIELDS)
        drop(m, ['providers', 'models', i], key, `describe the model in routing.modelCards`)
    })
  }
  const g = raw['global']
  if (isMap(g)) {
    drop(g, ['global'], 'modules', 'moved to global.model_catalog.modules')
    const catalog = g['model_catalog']
    if (isMap(catalog)) {
      drop(catalog, ['global', 'model_catalog'], 'classifiers', 'use routing.signals.classifiers')
      const emb = catalog['embeddings']
      if (isMap(emb))
        drop(emb, ['global', 'model_catalog', 'embeddings'], 'bert', 'use embeddings.semantic')
    }
  }
  const profiles: [unknown, PathSegment[]][] = [[raw['routing'], ['routing']]]
  list(raw['recipes']).forEach((r, i) => {
    if (isMap(r)) profiles.push([r['routing'], ['recipes', i, 'routing']])
  })
  for (const [routing, path] of profiles) {
    if (!isMap(routing)) continue
    drop(routing, path, 'models', 'use providers.models and routing.modelCards')
    const signals = routing['signals']
    if (isMap(signals)) {
      drop(signals, [...path, 'signals'], 'category_kb', 'use signals.kb')
      drop(signals, [...path, 'signals'], 'taxonomy', 'use signals.kb')
    }
    list(routing['decisions']).forEach((d, i) => {
      if (!isMap(d)) return
      for (const [key, hint] of Object.entries(DECISION_REMOVED))
        drop(d, [...path, 'decisions', i], key, hint)
    })
  }
}
