import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readGroups, type Group } from '../../src/eval/paraphrase-corpus.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import {
  checkCorpus,
  evaluationTexts,
  sameRequestAcrossGroups,
} from '../../training/cache-verifier/corpus-check.js'
import { embedAll } from '../../training/cache-verifier/embed.js'

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

  describe('the same request in other words across groups', () => {
    // A group written again in other words (not a repeat as written), and one that changes a
    // detail a hard negative would: only the first is the same request.
    const restated = extraGroup(
      'restated:1',
      'How should I keep my cut flowers fresh for a longer time?',
      ['Ways to make a vase of cut flowers stay fresh longer'],
    )
    const otherDetail = extraGroup('detail:1', 'How do I keep cut flowers fresh for 2 weeks?', [
      'What keeps cut flowers fresh for two weeks?',
    ])
    const texts = [...groups, restated, otherDetail].flatMap((g) => [g.q, ...g.para, ...g.near])
    const vectors = embedAll(EMBEDDED_MODELS.embedding, texts)

    it('finds none in the corpus (the sentence embedding and the content words agree)', async () => {
      assert.deepEqual(sameRequestAcrossGroups(groups, await vectors), [])
    })

    it('catches a request restated by another group, which the check as written lets through', async () => {
      const withExtra = [...groups, restated, otherDetail]
      assert.deepEqual(checkCorpus(withExtra, evaluationTexts()).problems, [])
      const found = sameRequestAcrossGroups(withExtra, await vectors)
      assert.equal(found.length, 1, found.join('\n'))
      assert.match(found[0]!, /^howto-home:\d+ and restated:1 ask the same request/)
    })
  })
})

function extraGroup(id: string, q: string, para: string[]): Group {
  return { id, domain: 'test', split: 'train', q, para, near: [], neg: [] }
}
