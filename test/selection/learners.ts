/**
 * A feedback loop over the simulator's model profiles (bench/quickstart/simulated-models.yaml):
 * each round the selector picks a model, the simulated model answers right with its profiled
 * accuracy for the category (a seeded draw), and the result goes back as a rating through the same
 * Learning.feedback path POST /api/v1/feedback uses. Shared by the learning tests.
 */
import { join } from 'node:path'
import { loadProfiles, QUICKSTART_DIR } from '../../src/bench/quickstart.js'
import { parseConfigText } from '../../src/config/load.js'
import { silentLogger } from '../../src/log.js'
import { Learning } from '../../src/routing/selection/learning.js'
import { ModelLiveStats } from '../../src/routing/selection/live-stats.js'
import { BUILTIN_MODEL_SELECTORS } from '../../src/routing/selection/registry.js'
import type { ModelSelector, SelectionLive } from '../../src/routing/selection/types.js'
import { seededRandom } from '../../src/seeded-random.js'
import { MemoryStateStore } from '../../src/state/memory.js'

export const PROFILES = loadProfiles(join(QUICKSTART_DIR, 'simulated-models.yaml'))

export function accuracyOf(model: string, category: string): number {
  const p = PROFILES[model]!
  return p.accuracy[category] ?? p.default_accuracy
}

export const SCOPE = { recipe: 'default', name: 'learned' }

export function makeSelector(
  kind: string,
  options: Record<string, unknown>,
  store = new MemoryStateStore(),
): { selector: ModelSelector; live: SelectionLive } {
  const config = parseConfigText(
    `model_config: { ${Object.keys(PROFILES)
      .map((m) => `"${m}": {}`)
      .join(', ')} }\ndefault_model: small-chat\n`,
  ).config
  const live = { stats: new ModelLiveStats(), learning: new Learning(store, silentLogger()) }
  const found = BUILTIN_MODEL_SELECTORS.require(kind, options, { kind: ['k'], options: ['o'] })
  const selector = found.plugin.create(
    { config, log: silentLogger(), decision: SCOPE, live },
    found.options,
  )
  return { selector, live }
}

export interface LoopResult {
  readonly picks: string[]
  /** The first round from which every later pick is `best`'s exploitation choice... see below. */
  readonly convergedAt: number | undefined
}

/**
 * Run `rounds` requests of `category` among `candidates`. Convergence: the first round after which
 * the learned ranking (highest rating for elo, highest posterior mean for bandit) has the best
 * model on top at every later round.
 */
export async function feedbackLoop(
  kind: 'elo' | 'bandit',
  candidates: readonly string[],
  category: string,
  rounds: number,
  seed: number,
): Promise<LoopResult> {
  const { selector, live } = makeSelector(kind, { seed })
  const draw = seededRandom(seed * 7919 + 1)
  const best = [...candidates].sort((a, b) => accuracyOf(b, category) - accuracyOf(a, category))[0]!
  const book = live.learning.book(SCOPE)
  await book.ready
  const picks: string[] = []
  let convergedAt: number | undefined
  for (let i = 0; i < rounds; i++) {
    const requestId = `req-${seed}-${i}`
    const choice = selector.select({
      requestId,
      category,
      decision: SCOPE,
      candidates: candidates.map((model) => ({ model, upstreamModel: model, score: 1 })),
      constraints: [],
      fallback: 'small-chat',
    })!
    picks.push(choice.model)
    live.learning.remember(requestId, {
      recipe: SCOPE.recipe,
      decision: SCOPE.name,
      model: choice.model,
      candidates,
    })
    const right = draw() < accuracyOf(choice.model, category)
    await live.learning.feedback({ requestId, rating: right ? 1 : 0 })
    const ranked = [...candidates].sort((a, b) => {
      const sa = book.scores(a)
      const sb = book.scores(b)
      return kind === 'elo' ? sb.rating - sa.rating : sb.mean - sa.mean
    })
    if (ranked[0] === best) convergedAt ??= i + 1
    else convergedAt = undefined
  }
  return { picks, convergedAt }
}
