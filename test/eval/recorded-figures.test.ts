/**
 * Every embedded model, evaluated on its test split, stays at or above the figures recorded in
 * training/eval-recorded.json (written by `semantic-router eval --write`, which also puts the
 * tables into the data cards). A retrained model that is worse fails here until someone records
 * the lower figures on purpose, in a reviewed diff. Also: the bundled threshold is the one the
 * category model's calibration recommends.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { replaceBlock } from '../../src/eval/cards/data-card.js'
import { readRecorded, regressions, REPO_ROOT } from '../../src/eval/cards/recorded.js'
import { CARD_EVALUATIONS } from '../../src/eval/cards/registry.js'
import { runCardEvaluations } from '../../src/eval/cards/run.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'

describe('recorded model figures', () => {
  const recorded = readRecorded()

  it('has recorded figures and a data-card table for every registered evaluation', () => {
    for (const e of CARD_EVALUATIONS) {
      assert.ok(recorded[e.name], `${e.name}: run semantic-router eval --write`)
      for (const card of e.dataCards)
        assert.match(
          readFileSync(join(REPO_ROOT, card), 'utf8'),
          new RegExp(`<!-- eval:${e.name} begin`),
          card,
        )
    }
  })

  it('no model falls below its recorded figures on its test split', async () => {
    const runs = await runCardEvaluations()
    assert.equal(runs.length, CARD_EVALUATIONS.length)
    assert.deepEqual(
      runs.flatMap((r) => r.regressions),
      [],
    )
  })

  it('flags a figure below the recorded one, and a missing one', () => {
    const rec = { m: { a: 80, b: 50 } }
    assert.deepEqual(regressions('m', { a: 79.6, b: 60 }, rec), [])
    assert.deepEqual(regressions('m', { a: 79.4, b: 60 }, rec), ['m.a: 79.4 < recorded 80'])
    assert.deepEqual(regressions('m', { a: 90 }, rec), ['m.b: missing < recorded 50'])
  })

  it('replaces a card block in place, or appends it once', () => {
    const first = replaceBlock('# Card\n\ntext\n', 'x', '| a |')
    assert.match(first, /## Evaluation \(generated\)[\s\S]*\| a \|[\s\S]*<!-- eval:x end -->/)
    const second = replaceBlock(first, 'x', '| b |')
    assert.doesNotMatch(second, /\| a \|/)
    assert.equal(second.match(/eval:x begin/g)?.length, 1)
  })

  it('bundled category threshold = the threshold the dev-split calibration recommends', () => {
    const model = JSON.parse(
      readFileSync(join(EMBEDDED_MODELS.category, 'config.json'), 'utf8'),
    ) as {
      _semantic_router: { recommended_threshold: number; calibration: { temperature: number } }
    }
    const bundled = parse(readFileSync(join(REPO_ROOT, 'config', 'config.yaml'), 'utf8')) as {
      classifier: { category_model: { threshold: number } }
    }
    assert.equal(
      bundled.classifier.category_model.threshold,
      model._semantic_router.recommended_threshold,
    )
    assert.ok(model._semantic_router.calibration.temperature > 0)
  })
})
