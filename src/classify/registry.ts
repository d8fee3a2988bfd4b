/**
 * Every category classifier kind. Adding one: a folder exporting a ClassifierPlugin, one line here.
 * `pipeline.classifiers` in the config orders, enables and disables them; without it the chain is
 * upstream's fixed order: keyword rules → embedding rules → category model.
 */
import type { OnErrorPolicy } from '../config/schema/common.js'
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import type { RuntimeServices } from '../runtime/services.js'
import { ClassifierChain, type ChainLink } from './chain.js'
import { embeddingPlugin } from './embedding/index.js'
import { keywordPlugin } from './keyword/index.js'
import { modelPlugin } from './model/index.js'
import type { ClassifierPlugin } from './types.js'

// Loose on option types on purpose: each plugin validates its own options with its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const classifierPlugins: Record<string, ClassifierPlugin<any>> = {
  keyword: keywordPlugin,
  embedding: embeddingPlugin,
  model: modelPlugin,
}

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

/** Build the classifier chain for a config. Unknown kinds or bad options are config errors. */
export async function buildClassifierChain(
  config: RouterConfig,
  services: RuntimeServices,
): Promise<ClassifierChain> {
  const links: ChainLink[] = []
  for (const [i, entry] of chainEntries(config).entries()) {
    if (!entry.enabled) continue
    const plugin = classifierPlugins[entry.kind]
    if (!plugin) {
      // The default chain names `model` even in builds or configs without a category model.
      if (config.pipeline.classifiers === undefined) continue
      throw new RouterError(
        'config_invalid',
        `pipeline.classifiers[${i}].kind: unknown classifier "${entry.kind}" (known: ${Object.keys(classifierPlugins).join(', ')})`,
      )
    }
    const parsed = plugin.optionsSchema.safeParse(entry.options)
    if (!parsed.success)
      throw new RouterError(
        'config_invalid',
        `pipeline.classifiers[${i}].options: ${parsed.error.issues.map((x) => x.message).join('; ')}`,
      )
    const options: unknown = parsed.data
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
