/**
 * Every guard detector kind, and how a config's detectors are built. Adding one: a file exporting
 * a JailbreakDetectorPlugin or PiiDetectorPlugin (kind, description, options schema, factory) and
 * one line here. `pipeline.jailbreak_detectors` / `pipeline.pii_detectors` choose, order, disable
 * and configure them; their kinds and options are checked when the config is loaded
 * (src/assembly/plugins.ts) and again when the detectors are built. Without a list: the embedded
 * detector (rules / validators), joined by the model (jailbreak: the configured one, else the
 * embedded classifier; PII: the configured one, when there is one).
 *
 * Several detectors combine in list order: jailbreak verdicts by the larger attack probability
 * (CombinedJailbreakDetector; the first detector's failure is an error, a later one's is tolerated
 * when an earlier one already flags the text), PII entities by union with overlaps resolved by
 * confidence (CombinedPiiDetector).
 */
import { PluginRegistry, type ConfigReport, type PluginShape } from '../config/plugin.js'
import type { RouterConfig } from '../config/schema/index.js'
import { CombinedJailbreakDetector } from './jailbreak/combined-detector.js'
import { modelJailbreakDetector, rulesJailbreakDetector } from './jailbreak/plugins.js'
import { RoleJailbreakDetector, RulesAloneDetector } from './jailbreak/roles.js'
import { CombinedPiiDetector } from './pii/combined-detector.js'
import { modelPiiDetector, validatorPiiDetector } from './pii/plugins.js'
import { SlicedJailbreakDetector, SlicedPiiDetector, type SliceOptions } from './sliced.js'
import type {
  DetectorBuildContext,
  JailbreakDetector,
  JailbreakDetectorPlugin,
  MessageJailbreakDetector,
  PiiDetector,
  PiiDetectorPlugin,
} from './types.js'

// Loose on option types on purpose: each plugin validates its own options with its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJailbreakDetectorPlugin = JailbreakDetectorPlugin<any>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPiiDetectorPlugin = PiiDetectorPlugin<any>

export const BUILTIN_JAILBREAK_DETECTORS = new PluginRegistry<AnyJailbreakDetectorPlugin>(
  'jailbreak detector',
  [rulesJailbreakDetector, modelJailbreakDetector],
)

export const BUILTIN_PII_DETECTORS = new PluginRegistry<AnyPiiDetectorPlugin>('PII detector', [
  validatorPiiDetector,
  modelPiiDetector,
])

export const DEFAULT_JAILBREAK_DETECTORS = ['rules', 'model'] as const
export const DEFAULT_PII_DETECTORS = ['validators', 'model'] as const

type Guard = 'jailbreak' | 'pii'
interface DetectorEntry {
  readonly kind: string
  readonly enabled: boolean
  readonly options: Record<string, unknown>
}

const listKey = (guard: Guard) => `${guard}_detectors` as const

function entries(config: RouterConfig, guard: Guard): readonly DetectorEntry[] {
  const configured = config.pipeline[listKey(guard)]
  if (configured !== undefined) return configured
  const defaults = guard === 'jailbreak' ? DEFAULT_JAILBREAK_DETECTORS : DEFAULT_PII_DETECTORS
  return defaults.map((kind) => ({ kind, enabled: true, options: {} }))
}

const entryPaths = (guard: Guard, i: number) => ({
  kind: ['pipeline', listKey(guard), i, 'kind'],
  options: ['pipeline', listKey(guard), i, 'options'],
})

/** The model a guard's `model` detector would load, and where the config names it. */
const MODEL_KEY = {
  jailbreak: {
    path: ['prompt_guard', 'model_id'],
    id: (c: RouterConfig) => c.prompt_guard.model_id,
  },
  pii: {
    path: ['classifier', 'pii_model', 'model_id'],
    id: (c: RouterConfig) => c.classifier.pii_model.model_id,
  },
} as const

/**
 * Load-time check of `pipeline.jailbreak_detectors` and `pipeline.pii_detectors`: every kind
 * known, every options block valid; a configured guard model that no enabled `model` detector
 * uses is a warning (it would never run), and so is `prompt_guard.operator_messages: rules` with no
 * enabled `rules` detector (operator messages then get the whole chain).
 */
export function checkDetectors(
  config: RouterConfig,
  registries: {
    readonly jailbreak: PluginRegistry<AnyJailbreakDetectorPlugin>
    readonly pii: PluginRegistry<AnyPiiDetectorPlugin>
  },
  report: ConfigReport,
): void {
  if (
    config.prompt_guard.enabled &&
    config.prompt_guard.operator_messages === 'rules' &&
    !entries(config, 'jailbreak').some((e) => e.enabled && e.kind === 'rules')
  )
    report(
      'warning',
      ['prompt_guard', 'operator_messages'],
      'pipeline.jailbreak_detectors has no enabled "rules" detector, so system and developer messages are scanned by the whole chain',
    )
  for (const guard of ['jailbreak', 'pii'] as const) {
    const list = config.pipeline[listKey(guard)]
    if (list === undefined) continue
    list.forEach((e, i) => registries[guard].check(e.kind, e.options, entryPaths(guard, i), report))
    const model = MODEL_KEY[guard]
    if (model.id(config) !== '' && !list.some((e) => e.enabled && e.kind === 'model'))
      report(
        'warning',
        [...model.path],
        `pipeline.${listKey(guard)} has no enabled "model" detector, so this model is not used`,
      )
  }
}

/** How the built detectors read long texts (security.scan_slices). */
function sliceOptions(config: RouterConfig): SliceOptions {
  const s = config.security.scan_slices
  return { minChars: s.min_chars, size: s.slice_chars, overlap: s.overlap_chars }
}

interface Built<D> {
  readonly kind: string
  readonly detector: D
}

async function buildAll<D extends { close?(): Promise<void> }>(
  config: RouterConfig,
  guard: Guard,
  registry: PluginRegistry<
    PluginShape & { create(ctx: DetectorBuildContext, o: unknown): Promise<D | null> }
  >,
  ctx: DetectorBuildContext,
): Promise<Built<D>[]> {
  const built: Built<D>[] = []
  try {
    for (const [i, entry] of entries(config, guard).entries()) {
      if (!entry.enabled) continue
      const { plugin, options } = registry.require(entry.kind, entry.options, entryPaths(guard, i))
      const detector = await plugin.create(ctx, options)
      if (detector) built.push({ kind: entry.kind, detector })
    }
    return built
  } catch (err) {
    await Promise.allSettled(built.map((b) => b.detector.close?.() ?? Promise.resolve()))
    throw err
  }
}

function combineJailbreak(built: readonly Built<JailbreakDetector>[]): JailbreakDetector | null {
  return built.reduce<JailbreakDetector | null>(
    (acc, { detector }) => (acc ? new CombinedJailbreakDetector(acc, detector) : detector),
    null,
  )
}

/**
 * The prompt_guard detector a config asks for; null when prompt_guard is off or none is enabled.
 * With `operator_messages: rules`, system and developer messages are read by the chain's `rules`
 * entries alone (the same instances; weighed as a learned combination weighs them, roles.ts); with
 * no such entry, by the whole chain (checkDetectors warns).
 */
export async function buildJailbreakDetector(
  ctx: DetectorBuildContext,
  registry: PluginRegistry<AnyJailbreakDetectorPlugin> = BUILTIN_JAILBREAK_DETECTORS,
): Promise<MessageJailbreakDetector | null> {
  const { config } = ctx
  if (!config.prompt_guard.enabled) return null
  const built = await buildAll<JailbreakDetector>(config, 'jailbreak', registry, ctx)
  const all = combineJailbreak(built)
  if (!all) return null
  const slices = sliceOptions(config)
  const full = new SlicedJailbreakDetector(all, slices)
  const rules =
    config.prompt_guard.operator_messages === 'rules'
      ? combineJailbreak(built.filter((b) => b.kind === 'rules'))
      : null
  if (!rules) return new RoleJailbreakDetector(full)
  // A model trained with the rules lets them flag alone only from its rulesAloneAt (roles.ts).
  const learned = built.find((b) => b.detector.ruleCombination)?.detector.ruleCombination
  const operator = learned ? new RulesAloneDetector(rules, learned) : rules
  return new RoleJailbreakDetector(full, new SlicedJailbreakDetector(operator, slices))
}

/**
 * The PII detector a config asks for; null when none is enabled. Whether the pipeline runs it is
 * decided by the `pii` module (only when some model enforces a PII policy).
 */
export async function buildPiiDetector(
  ctx: DetectorBuildContext,
  registry: PluginRegistry<AnyPiiDetectorPlugin> = BUILTIN_PII_DETECTORS,
): Promise<PiiDetector | null> {
  const built = await buildAll<PiiDetector>(ctx.config, 'pii', registry, ctx)
  const combined = built.reduce<PiiDetector | null>(
    (acc, { detector }) => (acc ? new CombinedPiiDetector(acc, detector) : detector),
    null,
  )
  return combined && new SlicedPiiDetector(combined, sliceOptions(ctx.config))
}
