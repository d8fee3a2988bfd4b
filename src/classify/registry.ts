/**
 * Every category classifier kind. Adding one: a folder exporting a ClassifierPlugin (kind,
 * description, options schema, factory), one line here. Kinds and options are checked when the
 * config is loaded (src/assembly/plugins.ts), and again when the chain is built.
 * `pipeline.classifiers` in the config orders, enables and disables them; without it the chain is
 * upstream's fixed order: keyword rules → embedding rules → category model.
 */
import { PluginRegistry, type ConfigReport } from '../config/plugin.js'
import type { OnErrorPolicy } from '../config/schema/common.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { RuntimeServices } from '../runtime/services.js'
import { ClassifierChain, type ChainLink } from './chain.js'
import { embeddingPlugin } from './embedding/index.js'
import { keywordPlugin } from './keyword/index.js'
import { modelPlugin } from './model/index.js'
import type { ClassifierPlugin } from './types.js'

// Loose on option types on purpose: each plugin validates its own options with its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClassifierPlugin = ClassifierPlugin<any>

export const BUILTIN_CLASSIFIERS = new PluginRegistry<AnyClassifierPlugin>('classifier', [
  keywordPlugin,
  embeddingPlugin,
  modelPlugin,
])

export const DEFAULT_CHAIN = ['keyword', 'embedding', 'model'] as const

interface ChainEntry {
  kind: string
  enabled: boolean
  onError: OnErrorPolicy
  options: Record<string, unknown>
}

function chainEntries(config: RouterConfig): ChainEntry[] {
  const configured = config.pipeline.classifiers
  if (configured !== undefined)
    return configured.map((e) => ({
      kind: e.kind,
      enabled: e.enabled,
      onError: e.on_error,
      options: e.options,
    }))
  return DEFAULT_CHAIN.map((kind) => ({
    kind,
    enabled: true,
    onError: kind === 'model' ? config.classifier.category_model.on_error : 'allow',
    options: {},
  }))
}

const entryPaths = (i: number) => ({
  kind: ['pipeline', 'classifiers', i, 'kind'],
  options: ['pipeline', 'classifiers', i, 'options'],
})

/** Load-time check of `pipeline.classifiers`: every kind known, every options block valid. */
export function checkClassifiers(
  config: RouterConfig,
  registry: PluginRegistry<AnyClassifierPlugin>,
  report: ConfigReport,
): void {
  config.pipeline.classifiers?.forEach((e, i) =>
    registry.check(e.kind, e.options, entryPaths(i), report),
  )
}

/** Build the classifier chain for a config. Unknown kinds or bad options are config errors. */
export async function buildClassifierChain(
  config: RouterConfig,
  services: RuntimeServices,
  registry: PluginRegistry<AnyClassifierPlugin> = BUILTIN_CLASSIFIERS,
): Promise<ClassifierChain> {
  const links: ChainLink[] = []
  for (const [i, entry] of chainEntries(config).entries()) {
    if (!entry.enabled) continue
    // The default chain names `model` even in builds or configs without a category model.
    if (config.pipeline.classifiers === undefined && !registry.get(entry.kind)) continue
    const { plugin, options } = registry.require(entry.kind, entry.options, entryPaths(i))
    const classifier = await plugin.create({
      config,
      options,
      onError: entry.onError,
      services,
    })
    if (classifier) links.push({ classifier, onError: entry.onError })
  }
  return new ClassifierChain(links, services)
}
