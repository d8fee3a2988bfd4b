/**
 * Parts of a v0.3 document this router accepts but does not run. Each is reported as a warning
 * that names the feature (never ignored silently); a section that only switches a feature off, or
 * repeats what this router does anyway, is not reported.
 */
import type { PathSegment } from '../issues.js'
import type { RecipeRoutingConfig, V03Document } from '../schema/v03/index.js'
import { SIGNAL_FAMILIES, type SignalFamilyKey } from '../schema/v03/signals.js'
import { lowerBackendRef } from './endpoints.js'
import { UPSTREAM_ONLY_CACHE_BACKENDS } from './own-keys.js'
import { profilesOf } from './references.js'
import type { V03Report } from './checks.js'

type Warn = (path: PathSegment[], message: string, key?: string) => void

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const enabled = (v: unknown): boolean => isMap(v) && v['enabled'] === true

export function reportUnsupported(doc: V03Document, report: V03Report): void {
  const warn: Warn = (path, message, key) => report('warning', path, message, key)
  if (doc.listeners.length > 0)
    warn(
      ['listeners'],
      'Envoy listeners are not used: this router listens on server.* (host, gateway_port, extproc_port)',
    )
  if (doc.setup !== undefined) warn(['setup'], "read by upstream's CLI only; not used")
  providers(doc, warn)
  for (const p of profilesOf(doc)) routing(p.routing, p.path, warn)
  globalRouter(doc, warn)
  services(doc, warn)
  stores(doc, warn)
  catalog(doc, warn)
}

function providers(doc: V03Document, warn: Warn): void {
  doc.providers.models.forEach((m, i) => {
    const path: PathSegment[] = ['providers', 'models', i]
    if (m.reliability !== undefined)
      warn(
        path,
        "feeds upstream's Envoy generator (retries, outlier detection, health checks); not used by this router",
        'reliability',
      )
    if (m.api_format === 'anthropic')
      warn(
        path,
        'only the OpenAI chat-completions format is sent upstream; requests are not translated to Anthropic Messages',
        'api_format',
      )
    m.backend_refs.forEach((ref, j) => {
      const refPath: PathSegment[] = [...path, 'backend_refs', j]
      const unused = [
        'auth_header',
        'auth_prefix',
        'extra_headers',
        'api_version',
        'chat_path',
      ] as const
      for (const key of unused)
        if (ref[key] !== undefined) warn(refPath, 'not used by this router', key)
      if (ref.api_key !== undefined)
        warn(
          refPath,
          'a literal key in the file is not used; put it in an environment variable and set api_key_env',
          'api_key',
        )
      const family = ref.provider ?? ref.type
      if (family !== undefined && !['openai', 'vllm', 'chat'].includes(family))
        warn(
          refPath,
          `provider "${family}" is called with the OpenAI chat-completions format`,
          ref.provider === undefined ? 'type' : 'provider',
        )
      const lowered = lowerBackendRef(m.name, ref, j)
      if (lowered && lowered.droppedPath !== '')
        warn(
          refPath,
          `the path "${lowered.droppedPath}" is dropped: requests go to <host>/v1/chat/completions`,
          ref.endpoint === undefined ? 'base_url' : 'endpoint',
        )
    })
  })
}

function routing(r: RecipeRoutingConfig, base: PathSegment[], warn: Warn): void {
  for (const [family, spec] of Object.entries(SIGNAL_FAMILIES) as [
    SignalFamilyKey,
    { supported: boolean },
  ][])
    if (!spec.supported && r.signals[family].length > 0)
      warn(
        [...base, 'signals'],
        `${family} signals are not evaluated by this router (leaves naming them never match)`,
        family,
      )
  r.signals.keywords.forEach((k, i) => {
    if (k.method === 'bm25' || k.method === 'ngram' || k.method === 'fuzzy' || k.fuzzy_match)
      warn(
        [...base, 'signals', 'keywords', i],
        `fuzzy keyword retrieval (${k.fuzzy_match ? 'fuzzy_match' : k.method}) is not built: keywords match literally, case-insensitively unless case_sensitive`,
        'method',
      )
  })
  r.signals.embeddings.forEach((e, i) => {
    if (e.query_modality !== 'text')
      warn(
        [...base, 'signals', 'embeddings', i],
        'only text queries are embedded: this rule never matches',
        'query_modality',
      )
  })
  r.signals.complexity.forEach((c, i) => {
    if ((c.hard?.image_candidates.length ?? 0) + (c.easy?.image_candidates.length ?? 0) > 0)
      warn(
        [...base, 'signals', 'complexity', i],
        'image candidates are not embedded (text candidates are)',
      )
  })
  r.signals.jailbreak.forEach((j, i) => {
    if (j.method !== undefined || j.jailbreak_patterns.length > 0 || j.benign_patterns.length > 0)
      warn(
        [...base, 'signals', 'jailbreak', i],
        "method and pattern lists are not used: this router's jailbreak detector (prompt_guard) scores the text",
      )
  })
  if (r.projections !== undefined && Object.keys(r.projections).length > 0)
    warn(
      base,
      'projections (partitions, scores, mappings) are not supported; projection leaves never match',
      'projections',
    )
  r.decisions.forEach((d, i) => {
    const path: PathSegment[] = [...base, 'decisions', i]
    for (const key of [
      'adaptations',
      'emits',
      'output_contract',
      'output_contract_spec',
      'candidateIterations',
    ] as const)
      if (d[key] !== undefined) warn(path, `${key} is not supported by this router; not used`, key)
    d.plugins.forEach((p, j) => {
      const pPath: PathSegment[] = [...path, 'plugins', j]
      if (!p.supported) {
        if (p.configuration['enabled'] !== false)
          warn(pPath, `plugin "${p.type}" is not supported by this router; not run`, 'type')
        return
      }
      if (p.type === 'response_cache') {
        const c = p.configuration
        if (c['mode'] !== 'semantic')
          warn(
            [...pPath, 'configuration'],
            `cache mode "${String(c['mode'])}" is served as semantic (exact matches are a subset)`,
            'mode',
          )
        for (const key of ['scope', 'request_controls', 'personalized', 'revision'])
          if (c[key] !== undefined)
            warn([...pPath, 'configuration'], 'not supported by this router; not used', key)
      }
    })
  })
}

function globalRouter(doc: V03Document, warn: Warn): void {
  const r = doc.global.router
  if (!r) return
  const path: PathSegment[] = ['global', 'router']
  if (r.config_source === 'kubernetes')
    warn(path, 'only file configs are read (with hot reload)', 'config_source')
  if (enabled(r.streamed_body))
    warn(
      path,
      'streamed request bodies are buffered whole (server.max_body_bytes)',
      'streamed_body',
    )
  if (enabled(r.skip_processing))
    warn(path, 'x-vsr-skip-processing is not honoured', 'skip_processing')
  if (r.model_selection !== undefined)
    warn(
      path,
      'global selector defaults are not used: each decision names its algorithm',
      'model_selection',
    )
  if (enabled(r.learning))
    warn(path, 'Router Learning (adaptation, session protection) is not supported', 'learning')
}

function services(doc: V03Document, warn: Warn): void {
  const s = doc.global.services
  if (!s) return
  const path: PathSegment[] = ['global', 'services']
  for (const key of [
    'response_api',
    'ratelimit',
    'management_api',
    'router_replay',
    'startup_status',
  ] as const) {
    const block = s[key]
    if (block !== undefined && block['enabled'] !== false)
      warn(path, `${key.replace(/_/g, ' ')} is not supported by this router; not used`, key)
  }
  if (s.observability?.metrics !== undefined)
    warn(
      [...path, 'observability'],
      'Prometheus metrics are always on (server.metrics_port); windowed metrics are not built',
      'metrics',
    )
  if (s.authz?.providers !== undefined)
    warn(
      [...path, 'authz'],
      'credential providers (per-user upstream keys) are not supported',
      'providers',
    )
}

function stores(doc: V03Document, warn: Warn): void {
  const st = doc.global.stores
  if (!st) return
  const path: PathSegment[] = ['global', 'stores']
  const cache = st.response_cache ?? st.semantic_cache
  const key = st.response_cache ? 'response_cache' : 'semantic_cache'
  if (cache && cache.enabled && UPSTREAM_ONLY_CACHE_BACKENDS.has(cache.backend_type))
    warn(
      [...path, key],
      `backend "${cache.backend_type}" is not available in this build; the cache is off (use memory, postgres or hybrid)`,
      'backend_type',
    )
  if (enabled(st.memory))
    warn(path, 'agentic memory is not supported by this router; not used', 'memory')
  if (enabled(st.vector_store))
    warn(path, 'vector stores (RAG) are not supported by this router; not used', 'vector_store')
  const integrations = doc.global.integrations
  if (integrations?.looper !== undefined)
    warn(
      ['global', 'integrations'],
      "upstream's looper (multi-call algorithms) is not supported; not used",
      'looper',
    )
  if (integrations?.tools !== undefined && isMap(integrations.tools['advanced_filtering']))
    warn(
      ['global', 'integrations', 'tools'],
      'advanced tool filtering is not supported; plain similarity is used',
      'advanced_filtering',
    )
}

function catalog(doc: V03Document, warn: Warn): void {
  const c = doc.global.model_catalog
  if (!c) return
  const path: PathSegment[] = ['global', 'model_catalog']
  if ((c.external?.length ?? 0) > 0)
    warn(path, 'external LLM classifiers are not supported; not used', 'external')
  if ((c.kbs?.length ?? 0) > 0)
    warn(path, 'knowledge bases (kb signals) are not supported; not used', 'kbs')
  const endpoint = c.embeddings?.semantic?.endpoint
  if (endpoint !== undefined)
    warn(
      [...path, 'embeddings', 'semantic'],
      'remote embedding endpoints are not supported: the local model is used',
      'endpoint',
    )
  const modules = c.modules
  if (!modules) return
  const known = new Set(['prompt_guard', 'classifier'])
  for (const [key, value] of Object.entries(modules))
    if (!known.has(key) && isMap(value) && value['enabled'] !== false)
      warn(
        [...path, 'modules'],
        `the ${key.replace(/_/g, ' ')} module is not supported by this router; not used`,
        key,
      )
  const classifier = modules.classifier
  if (classifier)
    for (const key of ['mcp', 'preference'] as const)
      if (classifier[key] !== undefined && classifier[key]['enabled'] !== false)
        warn(
          [...path, 'modules', 'classifier'],
          `the ${key} classifier is not supported; not used`,
          key,
        )
}
