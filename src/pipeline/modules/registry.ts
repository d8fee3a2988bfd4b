/**
 * Every pipeline module, in default order. Adding a module: a file exporting a ModuleFactory and
 * one line here at the position where it should run by default.
 *
 * `pipeline.modules` in the config is the feature gate: it enables/disables modules and orders the
 * ones it lists (unlisted modules keep their default state and relative position). Declared
 * `after` dependencies are checked, and a module built for another API version is refused, at
 * start-up and on reload.
 */
import type { RouterConfig } from '../../config/schema/index.js'
import { RouterError } from '../../errors.js'
import {
  PLUGIN_API_VERSION,
  type ModuleBuildContext,
  type ModuleFactory,
  type PipelineModule,
} from '../types.js'
import { semanticCacheModule } from './semantic-cache.js'
import { classificationModule } from './classification.js'
import { jailbreakModule } from './jailbreak.js'
import { piiModule } from './pii.js'
import { reasoningModule } from './reasoning.js'
import { routingModule } from './routing.js'
import { systemPromptModule } from './system-prompt.js'

export const MODULE_FACTORIES: readonly ModuleFactory[] = [
  classificationModule,
  routingModule,
  // Guards run once the category (for per-category settings) and the model (for PII policy) are known.
  jailbreakModule,
  piiModule,
  // The cache runs after the guards, so blocked requests are never answered from or stored in it.
  semanticCacheModule,
  reasoningModule,
  systemPromptModule,
]

/** Resolve the ordered list of enabled factories for a config. Throws config_invalid. */
export function resolveModuleOrder(
  config: RouterConfig,
  factories: readonly ModuleFactory[] = MODULE_FACTORIES,
): ModuleFactory[] {
  const byName = new Map(factories.map((f) => [f.name, f]))
  const listed = config.pipeline.modules ?? []
  const problems: string[] = []
  listed.forEach((entry, i) => {
    if (!byName.has(entry.name))
      problems.push(
        `pipeline.modules[${i}].name: unknown module "${entry.name}" (known: ${[...byName.keys()].join(', ')})`,
      )
  })
  for (const f of factories)
    if (f.apiVersion !== PLUGIN_API_VERSION)
      problems.push(
        `module "${f.name}" targets plugin API v${f.apiVersion}; this router provides v${PLUGIN_API_VERSION}`,
      )

  // Listed modules take the slots of listed modules in default order, in the listed order.
  const listedNames = listed.map((e) => e.name).filter((n) => byName.has(n))
  const listedSet = new Set(listedNames)
  const queue = [...listedNames]
  const ordered = factories.map((f) => (listedSet.has(f.name) ? byName.get(queue.shift()!)! : f))
  const enabled = ordered.filter((f) => {
    const entry = listed.find((e) => e.name === f.name)
    return entry ? entry.enabled : f.enabledByDefault
  })
  const position = new Map(enabled.map((f, i) => [f.name, i]))
  for (const f of enabled)
    for (const dep of f.after ?? []) {
      const depPos = position.get(dep)
      if (depPos !== undefined && depPos > position.get(f.name)!)
        problems.push(`pipeline.modules: "${f.name}" must run after "${dep}"`)
    }
  if (problems.length > 0) throw new RouterError('config_invalid', problems.join('; '))
  return enabled
}

export async function buildModules(
  ctx: ModuleBuildContext,
  factories: readonly ModuleFactory[] = MODULE_FACTORIES,
): Promise<PipelineModule[]> {
  const modules: PipelineModule[] = []
  for (const factory of resolveModuleOrder(ctx.config, factories)) {
    const module = await factory.create(ctx)
    if (module) modules.push(module)
  }
  return modules
}
