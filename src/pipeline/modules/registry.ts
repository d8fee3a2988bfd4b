/**
 * Every pipeline module, in default order. Adding one: a file exporting a ModuleFactory (the shared
 * plug-in shape: kind, description, options schema, factory, plus what it reads and writes), one
 * line here. `pipeline.modules` in the config reorders, enables and disables them, and is checked
 * when the config is loaded (src/assembly/plugins.ts): unknown names, bad options, an order that
 * breaks `after` or the declared data flow, a module built for another API version.
 */
import { formatPath, type PathSegment } from '../../config/issues.js'
import { PluginRegistry, type ConfigReport } from '../../config/plugin.js'
import type { RouterConfig } from '../../config/schema/index.js'
import { RouterError } from '../../errors.js'
import { checkStateFlow } from '../module-state.js'
import {
  PLUGIN_API_VERSION,
  type ModuleBuildContext,
  type ModuleFactory,
  type PipelineModule,
} from '../types.js'
import { classificationModule } from './classification.js'
import { decisionPluginsModule } from './decision-plugins.js'
import { jailbreakModule } from './jailbreak.js'
import { piiModule } from './pii.js'
import { reasoningModule } from './reasoning.js'
import { routingModule } from './routing.js'
import { semanticCacheModule } from './semantic-cache.js'
import { systemPromptModule } from './system-prompt.js'

// Options are typed per module; the registry holds them loosely and each schema parses its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModuleFactory = ModuleFactory<any>

export const BUILTIN_MODULES = new PluginRegistry<AnyModuleFactory>('module', [
  classificationModule,
  routingModule,
  // The decision's request shaping, before the guards, the cache and the reasoning fields.
  decisionPluginsModule,
  // Guards run once the category (for per-category settings) and the model (for PII policy) are known.
  jailbreakModule,
  piiModule,
  // The cache runs after the guards, so blocked requests are never answered from or stored in it.
  semanticCacheModule,
  reasoningModule,
  systemPromptModule,
])

export interface ResolvedModule {
  readonly factory: AnyModuleFactory
  readonly options: unknown
}

/** Check `pipeline.modules` and resolve the enabled modules in order, reporting every problem. */
export function checkModules(
  config: RouterConfig,
  registry: PluginRegistry<AnyModuleFactory>,
  report: ConfigReport,
): ResolvedModule[] {
  const factories = registry.all()
  const listed = config.pipeline.modules ?? []
  const options = new Map<string, unknown>()
  listed.forEach((entry, i) => {
    const at: PathSegment[] = ['pipeline', 'modules', i]
    const found = registry.check(
      entry.name,
      entry.options,
      { kind: [...at, 'name'], options: [...at, 'options'] },
      report,
    )
    if (found) options.set(entry.name, found.options)
  })
  for (const f of factories)
    if (f.apiVersion !== PLUGIN_API_VERSION)
      report(
        'error',
        ['pipeline', 'modules'],
        `module "${f.kind}" targets plugin API v${f.apiVersion}; this router provides v${PLUGIN_API_VERSION}`,
      )

  // Listed modules take the slots of listed modules in default order, in the listed order.
  const listedNames = listed.map((e) => e.name).filter((n) => registry.get(n) !== undefined)
  const listedSet = new Set(listedNames)
  const queue = [...listedNames]
  const ordered = factories.map((f) => (listedSet.has(f.kind) ? registry.get(queue.shift()!)! : f))
  const enabled = ordered.filter((f) => {
    const entry = listed.find((e) => e.name === f.kind)
    return entry ? entry.enabled : f.enabledByDefault
  })
  const position = new Map(enabled.map((f, i) => [f.kind, i]))
  for (const f of enabled)
    for (const dep of f.after ?? []) {
      const depPos = position.get(dep)
      if (depPos !== undefined && depPos > position.get(f.kind)!)
        report('error', ['pipeline', 'modules'], `"${f.kind}" must run after "${dep}"`)
    }
  checkStateFlow(enabled, report)
  return enabled.map((factory) => ({
    factory,
    options: options.get(factory.kind) ?? (factory.optionsSchema.parse({}) as unknown),
  }))
}

/** Resolve the ordered list of enabled modules for a config. Throws config_invalid. */
export function resolveModuleOrder(
  config: RouterConfig,
  registry: PluginRegistry<AnyModuleFactory> = BUILTIN_MODULES,
): ResolvedModule[] {
  const problems: string[] = []
  const resolved = checkModules(config, registry, (_s, path, message, key) =>
    problems.push(`${formatPath(key === undefined ? path : [...path, key])}: ${message}`),
  )
  if (problems.length > 0) throw new RouterError('config_invalid', problems.join('; '))
  return resolved
}

export async function buildModules(
  ctx: ModuleBuildContext,
  registry: PluginRegistry<AnyModuleFactory> = BUILTIN_MODULES,
): Promise<PipelineModule[]> {
  const modules: PipelineModule[] = []
  for (const { factory, options } of resolveModuleOrder(ctx.config, registry)) {
    const module = await factory.create(ctx, options)
    if (module) modules.push(module)
  }
  return modules
}
