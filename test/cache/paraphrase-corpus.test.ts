import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readGroups } from '../../src/eval/paraphrase-corpus.js'
import { checkCorpus, evaluationTexts } from '../../training/cache-verifier/corpus-check.js'

describe('paraphrase corpus (training/data/paraphrase)', () => {
  const groups = readGroups()
  const report = checkCorpus(groups, evaluationTexts())

  it('has at least 1,500 rewordings and 1,500 hand-written hard negatives', () => {
    assert.ok(report.paraphrases >= 1500, `${report.paraphrases} rewordings`)
    assert.ok(report.negatives >= 1500, `${report.negatives} hard negatives`)
    for (const kind of ['number', 'unit', 'entity', 'negation', 'opposite', 'direction'])
      assert.ok((report.negativeKinds[kind] ?? 0) > 0, `no ${kind} negatives`)
  })

  it('repeats no text, within the corpus or from an evaluation file', () => {
    assert.deepEqual(report.problems, [])
  })

  it('keeps every group in one split, with dev and test of usable size', () => {
    for (const split of ['train', 'dev', 'test'] as const)
      assert.ok(report.bySplit[split]!.groups >= 100, `${split}: ${report.bySplit[split]!.groups}`)
    const ids = new Set(groups.map((g) => g.id))
    assert.equal(ids.size, groups.length)
  })
})
