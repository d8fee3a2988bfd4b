/**
 * Cross-field rules that a schema cannot express: references between sections, duplicates, and
 * upstream rules that we relax into warnings so that real upstream files keep loading.
 */
import { isDeepStrictEqual } from 'node:util'
import { routerConfigSchema, type RouterConfig } from './schema/index.js'
import type { ConfigIssue, PathSegment } from './issues.js'

type Report = (
  severity: ConfigIssue['severity'],
  path: PathSegment[],
  message: string,
  key?: string,
) => void

export function checkConfig(config: RouterConfig, report: Report): void {
  checkAuth(config, report)
  checkEndpoints(config, report)
  checkModelConfig(config, report)
  checkCategories(config, report)
  checkModelReferences(config, report)
  checkRules(config, report)
  checkCache(config, report)
}

/**
 * A file that sets nothing the router reads (empty, comment-only, or every section indented under
 * a misspelt key, which the loader only warns about) would leave a running router answering 404
 * to everything: it is refused like a broken file, at start, by validate-config and on reload (the
 * last good config keeps running). Run by the entry points that load a router's file
 * (src/assembly/load-config.ts), not by every parse: fragments of a config stay valid.
 */
export function checkSomethingSet(config: RouterConfig, report: Report): void {
  DEFAULTS ??= routerConfigSchema.parse({})
  if (isDeepStrictEqual(config, DEFAULTS))
    report(
      'error',
      [],
      'the config sets nothing the router reads: an empty or comment-only file, or every section indented under a misspelt key?',
    )
}
let DEFAULTS: RouterConfig | undefined

/** Whether a config routes anything at all (an endpoint, a model, a category, v0.3 decisions). */
export function routesAnything(config: RouterConfig): boolean {
  return (
    config.vllm_endpoints.length > 0 ||
    Object.keys(config.model_config).length > 0 ||
    config.categories.length > 0 ||
    config.default_model !== '' ||
    config.v03 !== undefined
  )
}

function checkAuth(config: RouterConfig, report: Report): void {
  const auth = config.security.auth
  if (auth.enabled && auth.keys_file === '')
    report('error', ['security', 'auth', 'keys_file'], 'auth is enabled but names no keys_file')
}

function checkEndpoints(config: RouterConfig, report: Report): void {
  const seen = new Set<string>()
  config.vllm_endpoints.forEach((ep, i) => {
    if (seen.has(ep.name))
      report('error', ['vllm_endpoints', i, 'name'], `duplicate endpoint name "${ep.name}"`)
    seen.add(ep.name)
    if (ep.models !== undefined || ep.health_check_path !== undefined)
      report(
        'warning',
        ['vllm_endpoints', i],
        'models and health_check_path were removed upstream in Oct 2025 and are ignored',
      )
  })
}

function checkModelConfig(config: RouterConfig, report: Report): void {
  const endpointNames = new Set(config.vllm_endpoints.map((e) => e.name))
  for (const [model, params] of Object.entries(config.model_config)) {
    params.preferred_endpoints.forEach((name, i) => {
      if (!endpointNames.has(name))
        report(
          'error',
          ['model_config', model, 'preferred_endpoints', i],
          `endpoint "${name}" is not defined in vllm_endpoints`,
        )
    })
    const family = params.reasoning_family
    if (family !== '' && config.reasoning_families[family] === undefined)
      report(
        'warning',
        ['model_config', model, 'reasoning_family'],
        `reasoning family "${family}" is not defined in reasoning_families; ${model} gets no reasoning fields`,
      )
    const allowed = params.pii_policy.pii_types_allowed
    if (params.pii_policy.allow_by_default && allowed.length > 0)
      report(
        'warning',
        ['model_config', model, 'pii_policy', 'pii_types_allowed'],
        'has no effect while allow_by_default is true',
      )
  }
}

function checkCategories(config: RouterConfig, report: Report): void {
  const names = new Set<string>()
  config.categories.forEach((cat, ci) => {
    if (names.has(cat.name))
      report('error', ['categories', ci, 'name'], `duplicate category name "${cat.name}"`)
    names.add(cat.name)
    cat.model_scores.forEach((ms, mi) => {
      const path: PathSegment[] = ['categories', ci, 'model_scores', mi]
      if (ms.use_reasoning === undefined && cat.use_reasoning === undefined)
        report('warning', path, 'use_reasoning is missing (upstream requires it); treated as false')
      if (ms.lora_name !== undefined) {
        const loras = config.model_config[ms.model]?.loras ?? []
        if (!loras.some((l) => l.name === ms.lora_name))
          report(
            'error',
            [...path, 'lora_name'],
            `LoRA "${ms.lora_name}" is not listed in model_config["${ms.model}"].loras`,
          )
      }
    })
  })
  if (config.categories.length > 0 && config.default_model === '')
    report(
      'warning',
      ['default_model'],
      'is empty: requests with no confident category cannot be routed',
    )
}

/**
 * Models named by categories and `default_model` must be configured models (or their LoRA
 * adapters): otherwise the name is sent upstream as is, to whichever endpoint is the fallback.
 * With no `model_config` at all (some upstream examples) there is nothing to check against, so
 * the same finding is a warning there and those files keep loading.
 */
function checkModelReferences(config: RouterConfig, report: Report): void {
  const models = Object.keys(config.model_config)
  const severity = models.length === 0 ? 'warning' : 'error'
  const known = new Set(models)
  for (const params of Object.values(config.model_config))
    for (const lora of params.loras) known.add(lora.name)
  const where = models.length === 0 ? 'model_config is empty' : `known: ${models.join(', ')}`
  config.categories.forEach((cat, ci) =>
    cat.model_scores.forEach((ms, mi) => {
      if (!known.has(ms.model))
        report(
          severity,
          ['categories', ci, 'model_scores', mi, 'model'],
          `model "${ms.model}" is not defined in model_config (${where})`,
        )
    }),
  )
  if (config.default_model !== '' && !known.has(config.default_model))
    report(
      severity,
      ['default_model'],
      `model "${config.default_model}" is not defined in model_config (${where})`,
    )
}

function checkRules(config: RouterConfig, report: Report): void {
  const names = new Set(config.categories.map((c) => c.name))
  config.keyword_rules.forEach((rule, i) => {
    if (!names.has(rule.category))
      report(
        'warning',
        ['keyword_rules', i, 'category'],
        `category "${rule.category}" is not defined in categories; matches route to default_model`,
      )
  })
  config.embedding_rules.forEach((rule, i) => {
    if (rule.aggregation_method === 'avg')
      report(
        'warning',
        ['embedding_rules', i, 'aggregation_method'],
        '"avg" is read as "mean" (upstream rejects it at run time)',
      )
    if (!names.has(rule.category))
      report(
        'warning',
        ['embedding_rules', i, 'category'],
        `category "${rule.category}" is not defined in categories; matches route to default_model`,
      )
  })
}

/** Backend kinds, options and backend-specific rules are the cache backend registry's check. */
function checkCache(config: RouterConfig, report: Report): void {
  const cache = config.semantic_cache
  const categories = new Set(config.categories.map((c) => c.name))
  for (const name of Object.keys(cache.category_ttl_seconds))
    if (!categories.has(name))
      report(
        'warning',
        ['semantic_cache', 'category_ttl_seconds', name],
        `category "${name}" is not defined in categories; this TTL is never used`,
      )
}
