import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, describe, it } from 'node:test'
import { cacheVerificationSchema } from '../../config/schema/cache.js'
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { LearnedVerifierModel, type VerifierFile } from './learned-model.js'
import { FEATURES } from './pair-features.js'
import type { PairNetFile } from './pair-net.js'

const shipped = JSON.parse(
  readFileSync(join(EMBEDDED_MODELS.cacheVerifier, 'verifier.json'), 'utf8'),
) as VerifierFile
const dirs: string[] = []
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** The shipped verifier with a pair net written next to its trees. */
function withNet(net: PairNetFile): LearnedVerifierModel {
  const dir = mkdtempSync(join(tmpdir(), 'pair-net-'))
  dirs.push(dir)
  copyFileSync(join(EMBEDDED_MODELS.cacheVerifier, shipped.wordnet), join(dir, shipped.wordnet))
  const vectors = join(EMBEDDED_MODELS.cacheVerifier, shipped.word_vectors)
  const file = { ...shipped, word_vectors: relative(dir, vectors), pair_net: net }
  writeFileSync(join(dir, 'verifier.json'), JSON.stringify(file))
  return LearnedVerifierModel.load(dir)
}

const INPUTS = FEATURES.length + 2 * 100
/** A one-unit net whose logit is `c` for every pair (its only unit is a constant 1). */
function constantNet(c: number, inputs = INPUTS): PairNetFile {
  return {
    hidden: 1,
    mean: new Array<number>(inputs).fill(0),
    scale: new Array<number>(inputs).fill(1),
    w1: new Array<number>(inputs).fill(0),
    b1: [1],
    w2: [c],
    b2: 0,
  }
}

describe('cache verifier pair net (verifier.json pair_net)', () => {
  const switches = cacheVerificationSchema.parse({})
  const trees = LearnedVerifierModel.load(EMBEDDED_MODELS.cacheVerifier)
  const probability = (m: LearnedVerifierModel, q: string, c: string) =>
    m.judge(m.analyse(q), m.analyse(c), switches).probability
  const logit = (p: number) => Math.log(p / (1 - p))
  const pair = [
    'How can I descale a coffee grinder?',
    'How do I descale a coffee grinder?',
  ] as const

  it('averages its logit with the trees’ logit', () => {
    const alone = logit(probability(trees, ...pair))
    for (const c of [-3, 0, 5]) {
      const blended = logit(probability(withNet(constantNet(c)), ...pair))
      assert.ok(Math.abs(blended - (alone + c) / 2) < 1e-6, `net logit ${c}: ${blended}`)
    }
  })

  it('reads the two questions’ vectors: a unit on |u−v| separates a rewording from another request', () => {
    // Logit = −Σ|u−v| over the centred vectors: lower for two different requests.
    const net: PairNetFile = {
      ...constantNet(0),
      w1: [...new Array<number>(FEATURES.length + 100).fill(0), ...new Array<number>(100).fill(1)],
      b1: [0],
      w2: [-1],
    }
    const m = withNet(net)
    const other = ['How do I descale a kettle?', 'How do I descale a coffee grinder?'] as const
    // The net's own logit, from the blend: 2 × blended − trees.
    const netLogit = (q: string, c: string) =>
      2 * logit(probability(m, q, c)) - logit(probability(trees, q, c))
    const [same, differs] = [netLogit(...pair), netLogit(...other)]
    assert.ok(Number.isFinite(differs) && differs < same - 1, `${differs} vs ${same}`)
  })

  it('leaves the checks in front: a net cannot accept a changed number', () => {
    const m = withNet(constantNet(1000))
    assert.equal(probability(m, 'What is 18% of 540?', 'What is 18% of 450?'), 0)
    assert.ok(probability(m, ...pair) > 0.99)
  })

  it('refuses a net trained on other inputs', () => {
    assert.throws(() => withNet(constantNet(0, INPUTS - 1)), /pair_net was trained on other inputs/)
    assert.throws(() => withNet({ ...constantNet(0), b1: [0, 0] }), /weight shapes/)
  })
})
