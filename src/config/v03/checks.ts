/**
 * Cross-field rules of a v0.3 document (upstream's validator, `validator_decision*.go`): unique
 * names, model references, leaves that name declared signals of their own recipe, entrypoints.
 * Problems that would misroute traffic are errors; features this router does not run are
 * warnings that name them (src/config/v03/unsupported.ts).
 */
import type { PathSegment } from '../issues.js'
import type { RecipeRoutingConfig, V03Document } from '../schema/v03/index.js'
import { FAMILY_OF_TYPE, SIGNAL_FAMILIES, type SignalFamilyKey } from '../schema/v03/signals.js'
import { profileLeaves, profilesOf, type LeafRef } from './references.js'
import { DEFAULT_AUTO_ALIASES } from './lower.js'

export type V03Report = (
  severity: 'error' | 'warning',
  path: PathSegment[],
  message: string,
  key?: string,
) => void

const COMPLEXITY_LEVELS = new Set(['easy', 'medium', 'hard'])

export function checkV03(doc: V03Document, report: V03Report): void {
  const models = checkModels(doc, report)
  for (const profile of profilesOf(doc)) {
    checkSignalNames(profile.routing, profile.path, report)
    checkDecisions(profile.routing, profile.path, models, report)
    checkLeaves(profile.routing, profile.path, report)
  }
  checkEntrypoints(doc, models, report)
}

/** Model names decisions may use: cards (with LoRAs) or, without cards, provider models. */
interface ModelNames {
  readonly known: ReadonlySet<string>
  readonly loras: ReadonlyMap<string, ReadonlySet<string>>
}

function checkModels(doc: V03Document, report: V03Report): ModelNames {
  const cards = doc.routing.modelCards
  const seen = new Set<string>()
  const loras = new Map<string, Set<string>>()
  cards.forEach((c, i) => {
    if (seen.has(c.name))
      report('error', ['routing', 'modelCards', i, 'name'], `duplicate model card "${c.name}"`)
    seen.add(c.name)
    loras.set(c.name, new Set(c.loras.map((l) => l.name)))
  })
  const providerNames = new Set<string>()
  const families = doc.providers.defaults.reasoning_families
  doc.providers.models.forEach((m, i) => {
    const path: PathSegment[] = ['providers', 'models', i]
    if (providerNames.has(m.name)) report('error', [...path, 'name'], `duplicate model "${m.name}"`)
    providerNames.add(m.name)
    if (cards.length > 0 && !seen.has(m.name))
      report('error', [...path, 'name'], `model "${m.name}" has no routing.modelCards entry`)
    if (m.reasoning_family !== undefined && families[m.reasoning_family] === undefined)
      report(
        'error',
        [...path, 'reasoning_family'],
        `reasoning family "${m.reasoning_family}" is not defined in providers.defaults.reasoning_families`,
      )
    m.backend_refs.forEach((ref, j) => {
      if (ref.endpoint === undefined && ref.base_url === undefined)
        report('error', [...path, 'backend_refs', j], 'needs endpoint or base_url')
    })
    const described =
      m.reasoning_family ?? m.provider_model_id ?? m.api_format ?? m.external_model_ids ?? m.pricing
    if (m.backend_refs.length === 0 && described === undefined && m.reliability === undefined)
      report('error', path, 'needs backend_refs (or at least reasoning_family, pricing, ...)')
  })
  const known = new Set(cards.length > 0 ? seen : providerNames)
  for (const set of loras.values()) for (const l of set) known.add(l)
  const def = doc.providers.defaults.default_model
  if (def !== '' && known.size > 0 && !known.has(def))
    report(
      'error',
      ['providers', 'defaults', 'default_model'],
      `model "${def}" is not a routing.modelCards entry or LoRA`,
    )
  return { known, loras }
}

/** Headers only the router sets (routing, framing, identity of the request): not for plugins. */
const RESERVED_HEADERS = new Set([
  'x-selected-model',
  'x-gateway-destination-endpoint',
  'x-semantic-destination-endpoint',
  'x-ai-eg-model',
  'x-request-id',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
])

function checkHeaderMutation(
  configuration: Record<string, unknown>,
  path: PathSegment[],
  report: V03Report,
): void {
  for (const key of ['add', 'update', 'delete'] as const) {
    const entries = (configuration[key] ?? []) as (string | { name: string })[]
    entries.forEach((e, i) => {
      const name = (typeof e === 'string' ? e : e.name).toLowerCase()
      if (name.startsWith('x-vsr-') || RESERVED_HEADERS.has(name))
        report(
          'error',
          [...path, key, i],
          `"${name}" is set by the router itself; a plugin may not change it`,
        )
    })
  }
}

function checkSignalNames(routing: RecipeRoutingConfig, base: PathSegment[], report: V03Report) {
  for (const family of Object.keys(SIGNAL_FAMILIES) as SignalFamilyKey[]) {
    const rules = routing.signals[family] as readonly { name: string }[]
    const folded = family === 'metadata' || family === 'classifiers'
    const seen = new Set<string>()
    rules.forEach((r, i) => {
      const key = folded ? r.name.toLowerCase() : r.name
      // Bindings sharing a role are merged; their names must still differ.
      if (seen.has(key))
        report(
          'error',
          [...base, 'signals', family, i, 'name'],
          `duplicate ${family} name "${r.name}"`,
        )
      seen.add(key)
    })
  }
  routing.signals.keywords.forEach((k, i) => {
    if (k.method !== 'regex') return
    k.keywords.forEach((pattern, j) => {
      try {
        new RegExp(pattern, 'u')
      } catch (err) {
        report(
          'error',
          [...base, 'signals', 'keywords', i, 'keywords', j],
          `not a valid regular expression: ${(err as Error).message}`,
        )
      }
    })
  })
  routing.signals.structure.forEach((r, i) => {
    const pattern = r.feature.source.pattern
    if (pattern === undefined) return
    try {
      // Go's leading inline flags are read as JavaScript flags (src/signals/shape.ts).
      new RegExp(pattern.replace(/^\(\?[imsU]+\)/, ''), 'u')
    } catch (err) {
      report(
        'error',
        [...base, 'signals', 'structure', i, 'feature', 'source', 'pattern'],
        `not a valid regular expression: ${(err as Error).message}`,
      )
    }
  })
  routing.signals.context.forEach((c, i) => {
    if (c.max_tokens === undefined)
      report(
        'warning',
        [...base, 'signals', 'context', i],
        'has no max_tokens: it never matches (as upstream, where max_tokens has no default)',
      )
  })
}

function checkDecisions(
  routing: RecipeRoutingConfig,
  base: PathSegment[],
  models: ModelNames,
  report: V03Report,
): void {
  const names = new Set<string>()
  routing.decisions.forEach((d, i) => {
    const path: PathSegment[] = [...base, 'decisions', i]
    if (names.has(d.name)) report('error', [...path, 'name'], `duplicate decision name "${d.name}"`)
    names.add(d.name)
    d.modelRefs.forEach((ref, j) => {
      if (models.known.size > 0 && !models.known.has(ref.model))
        report('error', [...path, 'modelRefs', j, 'model'], `model "${ref.model}" is not defined`)
      const loras = models.loras.get(ref.model)
      if (ref.lora_name !== undefined && loras !== undefined && !loras.has(ref.lora_name))
        report(
          'error',
          [...path, 'modelRefs', j, 'lora_name'],
          `LoRA "${ref.lora_name}" is not listed in the "${ref.model}" model card`,
        )
    })
    const seenPlugins = new Set<string>()
    d.plugins.forEach((p, j) => {
      if (seenPlugins.has(p.type))
        report('error', [...path, 'plugins', j, 'type'], `a decision may use "${p.type}" once`)
      seenPlugins.add(p.type)
      if (p.type === 'header_mutation')
        checkHeaderMutation(p.configuration, [...path, 'plugins', j, 'configuration'], report)
    })
  })
}

/** Every leaf names a signal declared in the same recipe (domains may be implicit). */
function checkLeaves(routing: RecipeRoutingConfig, base: PathSegment[], report: V03Report): void {
  const declared = new Map<string, Set<string>>()
  for (const [family, spec] of Object.entries(SIGNAL_FAMILIES) as [
    SignalFamilyKey,
    { type: string },
  ][]) {
    const rules = routing.signals[family] as readonly { name: string; role?: string }[]
    const names = new Set<string>()
    for (const r of rules) {
      names.add(r.name)
      if (r.role !== undefined) names.add(r.role)
    }
    declared.set(spec.type, names)
  }
  const unsupported = new Map<string, LeafRef[]>()
  for (const leaf of profileLeaves(routing, base)) {
    const family = FAMILY_OF_TYPE.get(leaf.type)
    if (leaf.type === 'projection') {
      unsupported.set('projection', [...(unsupported.get('projection') ?? []), leaf])
      continue
    }
    if (family === undefined) {
      report(
        'error',
        [...leaf.path, 'type'],
        `unknown signal type "${leaf.type}" (known: ${[...FAMILY_OF_TYPE.keys(), 'projection'].join(', ')})`,
      )
      continue
    }
    let name = leaf.name
    if (leaf.type === 'complexity') {
      const [rule, level] = splitLevel(leaf.name)
      if (level === undefined || !COMPLEXITY_LEVELS.has(level)) {
        report('error', [...leaf.path, 'name'], 'a complexity leaf is "<rule>:easy|medium|hard"')
        continue
      }
      name = rule
    }
    const names = declared.get(leaf.type)!
    const implicitDomain = leaf.type === 'domain' && routing.signals.domains.length === 0
    const folded = leaf.type === 'metadata' || leaf.type === 'classifier'
    const found = folded
      ? [...names].some((n) => n.toLowerCase() === name.toLowerCase())
      : names.has(name)
    if (!found && !implicitDomain)
      report(
        'error',
        [...leaf.path, 'name'],
        `${leaf.type} signal "${name}" is not declared in ${formatBase(base)}.signals.${family}`,
      )
    if (!SIGNAL_FAMILIES[family].supported)
      unsupported.set(leaf.type, [...(unsupported.get(leaf.type) ?? []), leaf])
  }
  for (const [type, leaves] of unsupported)
    for (const leaf of leaves)
      report(
        'warning',
        leaf.path as PathSegment[],
        `${type} signals are not evaluated by this router: this leaf never matches`,
      )
}

function checkEntrypoints(doc: V03Document, models: ModelNames, report: V03Report): void {
  const recipes = new Set(doc.recipes.map((r) => r.name))
  const topHasContent = doc.routing.decisions.length > 0
  doc.recipes.forEach((r, i) => {
    if (r.name === 'default' && topHasContent)
      report(
        'error',
        ['recipes', i, 'name'],
        'a recipe may not be named "default" while routing has decisions',
      )
  })
  const autoNames = new Set(
    doc.global.router?.auto_model_names ?? [
      ...DEFAULT_AUTO_ALIASES,
      doc.global.router?.auto_model_name ?? 'MoM',
    ],
  )
  const seen = new Set<string>()
  doc.entrypoints.forEach((e, i) => {
    if (e.recipe !== 'default' && !recipes.has(e.recipe))
      report(
        'error',
        ['entrypoints', i, 'recipe'],
        `recipe "${e.recipe}" is not defined in recipes`,
      )
    e.model_names.forEach((n, j) => {
      const path: PathSegment[] = ['entrypoints', i, 'model_names', j]
      if (seen.has(n)) report('error', path, `"${n}" is already an entrypoint`)
      else if (models.known.has(n)) report('error', path, `"${n}" is a model name`)
      else if (autoNames.has(n)) report('error', path, `"${n}" is an auto model name`)
      seen.add(n)
    })
  })
}

export function splitLevel(name: string): [string, string | undefined] {
  const at = name.lastIndexOf(':')
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 1)]
}

function formatBase(base: PathSegment[]): string {
  return base
    .map((s) => (typeof s === 'number' ? `[${s}]` : s))
    .join('.')
    .replace(/\.\[/g, '[')
}
