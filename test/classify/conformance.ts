/**
 * The conformance suite every category classifier kind passes (like test/cache/conformance.ts for
 * cache backends). A harness names a config under which the kind has something to do, a text it
 * must put in a known category, and a text it must abstain on (or not, for kinds that always
 * answer). The classifier is built the way the router builds it: the registered plug-in's
 * `create` with its options parsed by its own schema, on real runtime services.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createRuntimeServices } from '../../src/assembly/build-services.js'
import type { AnyClassifierPlugin } from '../../src/classify/registry.js'
import type {
  CategoryClassification,
  CategoryClassifier,
  ClassifyInput,
} from '../../src/classify/types.js'
import { requireOptions } from '../../src/config/plugin.js'
import { parseConfigText } from '../../src/config/load.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import type { RuntimeServices } from '../../src/runtime/services.js'
import { testState } from '../helpers/models.js'

export interface ClassifierHarness {
  /** Config YAML under which the kind is active. */
  readonly config: string
  /** Base directory for relative paths in the config (model folders). */
  readonly baseDir?: string
  /** Options for the kind (`pipeline.classifiers[].options`). */
  readonly options?: Record<string, unknown>
  /** A text the kind must classify, and the category it must give. */
  readonly known: { readonly text: string; readonly category: string }
  /** A text the kind must abstain on (null); omitted for kinds that always answer. */
  readonly abstains?: string
}

const input = (text: string, extra: Partial<ClassifyInput> = {}): ClassifyInput => ({
  text,
  history: [],
  ...extra,
})

function checkShape(
  result: CategoryClassification | null,
  classifier: CategoryClassifier,
  text: string,
): void {
  if (result === null) return
  assert.equal(typeof result.category, 'string', text)
  assert.notEqual(result.category, '', text)
  assert.ok(result.confidence >= 0 && result.confidence <= 1, `confidence ${result.confidence}`)
  assert.equal(result.source, classifier.kind, 'source names the classifier kind')
  assert.ok(classifier.labels.includes(result.category), `${result.category} is one of its labels`)
  if (result.distribution) {
    let sum = 0
    for (const p of result.distribution) {
      assert.ok(p.probability >= 0 && p.probability <= 1)
      assert.ok(classifier.labels.includes(p.category), `${p.category} is one of its labels`)
      sum += p.probability
    }
    assert.ok(Math.abs(sum - 1) < 1e-3, `distribution sums to ${sum}`)
  }
}

export function classifierConformance(plugin: AnyClassifierPlugin, harness: ClassifierHarness) {
  describe(`classifier conformance: ${plugin.kind}`, () => {
    let services: RuntimeServices
    let classifier: CategoryClassifier

    before(async () => {
      const { config } = parseConfigText(harness.config)
      services = await createRuntimeServices(config, {
        log: silentLogger(),
        metrics: new RouterMetrics(),
        baseDir: harness.baseDir ?? process.cwd(),
        state: testState(),
      })
      const options = requireOptions(plugin, harness.options, ['pipeline', 'classifiers', 0])
      const built = await plugin.create({ config, options, onError: 'allow', services })
      assert.ok(built, `${plugin.kind} has something to do under the harness config`)
      classifier = built
    })
    after(async () => {
      await classifier?.close?.()
      await services?.close()
    })

    it('names its kind and its labels', () => {
      assert.equal(classifier.kind, plugin.kind)
      assert.ok(classifier.labels.length > 0)
    })

    it('puts the known text in its category, with a well-formed result', async () => {
      const result = await classifier.classify(input(harness.known.text))
      assert.ok(result, 'a result, not an abstention')
      checkShape(result, classifier, harness.known.text)
      assert.equal(result.category, harness.known.category)
    })

    it('abstains with null (a value, not an error) when it has nothing to say', async (t) => {
      if (harness.abstains === undefined) return t.skip('this kind always answers')
      assert.equal(await classifier.classify(input(harness.abstains)), null)
    })

    it('answers the same text the same way, alone or concurrently, sync or async', async () => {
      const texts = [harness.known.text, harness.abstains ?? 'hello there', 'what is the time']
      const alone: (CategoryClassification | null)[] = []
      for (const t of texts) alone.push(await classifier.classify(input(t)))
      const together = await Promise.all(texts.map((t) => classifier.classify(input(t))))
      assert.deepEqual(together, alone)
      if (classifier.classifySync)
        assert.deepEqual(
          texts.map((t) => classifier.classifySync!(input(t))),
          alone,
        )
    })

    it('copes with empty, huge, odd and multi-turn input without throwing', async () => {
      const odd = [
        '',
        '   \n\t ',
        `${'lorem ipsum dolor '.repeat(3_000)}${harness.known.text}`,
        '🙂 ﷽ \u0000 \u202e naïve café 数学',
      ]
      for (const text of odd) checkShape(await classifier.classify(input(text)), classifier, text)
      const withHistory = await classifier.classify(
        input(harness.known.text, { history: ['an earlier turn', 'and another'] }),
      )
      checkShape(withHistory, classifier, harness.known.text)
    })

    it('never gives a wrong answer for an aborted request', async () => {
      const signal = AbortSignal.abort()
      const result = await classifier.classify(input(harness.known.text, { signal })).then(
        (r) => ({ ok: true as const, r }),
        (err: unknown) => ({ ok: false as const, err }),
      )
      // Either it noticed the abort, or it answered exactly as without one.
      if (result.ok) assert.equal(result.r?.category, harness.known.category)
      else assert.ok(result.err instanceof Error)
    })

    it('closes idempotently', async () => {
      await classifier.close?.()
      await classifier.close?.()
    })
  })
}
