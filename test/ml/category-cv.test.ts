/**
 * The category cross-validation tool (training/category/cross-validation.ts, `npm run
 * cv:category`): on a small hash subset of the real corpus with the real trainer, two folds give a
 * table of the documented shape, every written non-test text is held out exactly once, the figures
 * add up, and a second run gives the same figures (training and folds are seeded).
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { loadCorpus, type Row } from '../../src/eval/category-data.js'
import { hashString } from '../../src/seeded-random.js'
import {
  crossValidate,
  foldOf,
  foldTable,
  GROUPS,
  type CvResult,
} from '../../training/category/cross-validation.js'
import { defaultFitArgs } from '../../training/category/fit.js'
import { loadWordVectors } from '../../training/lib/word-vectors.js'
import { unitHash } from '../../src/eval/splits.js'

const SUBSET = 0.04
// Topic vocabulary and WordNet rows off and few epochs: seconds, not minutes.
const ARGS = defaultFitArgs({ 'w-terms': '0', 'w-wordnet': '0', epochs: '3' })
const OPTIONS = { folds: 2, foldSeed: 0, subset: SUBSET }

describe('category cross-validation', () => {
  let rows: readonly Row[]
  let first: CvResult
  before(async () => {
    rows = loadCorpus().rows
    first = await crossValidate(loadWordVectors(), rows, ARGS, OPTIONS)
  })

  it('holds out every written train/dev text of the subset once, never a test text', () => {
    const written = rows.filter(
      (r) => r.kind !== 'legacy' && r.split !== 'test' && unitHash(r.text, 'cv-subset') < SUBSET,
    )
    assert.ok(written.length > 300, `${written.length} texts in the subset`)
    assert.deepEqual(
      first.folds.map((f) => f.fold),
      [0, 1],
    )
    for (const f of first.folds) {
      const inFold = written.filter((r) => foldOf(r.text, 2, 0) === f.fold)
      assert.equal(f.heldOut, inFold.length)
      const c = f.cells
      assert.equal(c.exam.n, inFold.filter((r) => r.kind === 'exam').length)
      assert.equal(c.everyday.n, c['everyday-pre-session'].n + c['everyday-voices'].n)
      assert.equal(c.exam.n + c.everyday.n, f.heldOut)
      for (const g of GROUPS) {
        assert.ok(c[g].accepted <= c[g].top1 && c[g].top1 <= c[g].n, `${g} ${JSON.stringify(c[g])}`)
        // A trained model, not chance (1/14): the subset is small, the bar is low.
        assert.ok(c[g].top1 > c[g].n / 4, `${g} top-1 ${c[g].top1} of ${c[g].n}`)
      }
      assert.ok(f.threshold > 0 && f.threshold < 1 && f.temperature > 0)
    }
    assert.equal(first.folds[0]!.heldOut + first.folds[1]!.heldOut, written.length)
  })

  it('uses the earlier decisions’ folds at fold seed 0 and other folds at another seed', () => {
    for (const r of rows.slice(0, 50)) assert.equal(foldOf(r.text, 5, 0), hashString(r.text) % 5)
    const moved = rows.slice(0, 200).filter((r) => foldOf(r.text, 5, 1) !== foldOf(r.text, 5, 0))
    assert.ok(moved.length > 100)
  })

  it('prints one table row per fold and the mean of the fold percentages', () => {
    const lines = foldTable(first).split('\n')
    assert.equal(lines.length, 2 + 2 + 1)
    for (const line of lines) assert.equal(line.split('|').length, GROUPS.length + 4)
    const f = first.folds
    const pct = (i: number) => (100 * f[i]!.cells.exam.accepted) / f[i]!.cells.exam.n
    assert.equal(first.mean.exam.accepted, +((pct(0) + pct(1)) / 2).toFixed(2))
    assert.match(
      lines[4]!,
      new RegExp(`^\\| mean \\| \\| \\*\\*${first.mean.exam.accepted.toFixed(2)}\\*\\*`),
    )
  })

  it('gives the same figures on a second run', async () => {
    const again = await crossValidate(loadWordVectors(), rows, ARGS, { ...OPTIONS, only: [1] })
    assert.deepEqual(again.folds[0], first.folds[1])
  })
})
