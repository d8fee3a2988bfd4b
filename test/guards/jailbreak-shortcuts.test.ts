/**
 * The jailbreak detector's shortcuts (literal pre-filter, ASCII and no-op fast paths in
 * normalisation) must not change any result. The reference is the same detector with
 * `shortcuts: false`, which runs every rule's regexes on every view and every normalisation pass.
 *
 * Corpus: every prompt of the labelled sets, each rewritten with every robustness evasion, the
 * fixed test vectors, and long texts that put attacks across window boundaries.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { GUARD_SETS } from '../../src/eval/guards/evaluate.js'
import { loadJailbreakSet } from '../../src/eval/guards/jailbreak-data.js'
import { EVASIONS } from '../../src/eval/guards/robustness.js'
import { necessaryLiterals } from '../../src/guards/jailbreak/literals.js'
import { buildViews, canonicalize } from '../../src/guards/jailbreak/normalize.js'
import { RulePrefilter } from '../../src/guards/jailbreak/prefilter.js'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { JAILBREAK_RULES } from '../../src/guards/jailbreak/rules/index.js'
import { seededRandom } from '../../src/seeded-random.js'

const examples = [
  ...loadJailbreakSet(GUARD_SETS.jailbreakTrain),
  ...loadJailbreakSet(GUARD_SETS.jailbreakTest),
]
const vectors = (
  JSON.parse(
    readFileSync(new URL('../fixtures/guards/jailbreak-vectors.json', import.meta.url), 'utf8'),
  ) as { text: string }[]
).map((v) => v.text)

/** Attacks placed so they start before, at and after the first window's end (2,000 chars). */
function longTexts(): string[] {
  const filler = examples
    .filter((e) => !e.attack)
    .map((e) => e.text)
    .join(' ')
  const attacks = examples.filter((e) => e.attack).filter((_, i) => i % 12 === 0)
  const out: string[] = []
  for (const [i, attack] of attacks.entries())
    for (const offset of [1550, 1620, 1700, 1850, 1950, 1990, 2010, 2100]) {
      const before = filler.slice(i * 37, i * 37 + offset)
      out.push(`${before} ${attack.text} ${filler.slice(0, 2500 + i * 11)}`)
    }
  out.push(filler.slice(0, 30_000)) // many windows of benign text
  return out
}

const corpus = [
  ...examples.map((e) => e.text),
  ...Object.values(EVASIONS).flatMap((rewrite) => examples.map((e) => rewrite(e.text))),
  ...vectors,
  ...longTexts(),
]

describe('jailbreak detector shortcuts', () => {
  it('give the same verdict as the reference path on every corpus text', async () => {
    const fast = new RuleJailbreakDetector()
    const reference = new RuleJailbreakDetector(JAILBREAK_RULES, { shortcuts: false })
    let flagged = 0
    let hits = 0
    for (const text of corpus) {
      const expected = await reference.detect(text)
      assert.deepEqual(await fast.detect(text), expected, `differs on ${JSON.stringify(text)}`)
      if (expected.isJailbreak) flagged++
      hits += expected.rules?.length ?? 0
    }
    // Not vacuous: the corpus exercises many rules and both labels.
    assert.ok(corpus.length > 4000, `corpus ${corpus.length}`)
    assert.ok(flagged > 1500 && flagged < corpus.length - 500, `flagged ${flagged}`)
    assert.ok(hits > 5000, `hits ${hits}`)
  })

  it('build the same views as the full normalisation', () => {
    for (const text of corpus)
      assert.deepEqual(buildViews(text), buildViews(text, false), JSON.stringify(text))
  })

  it('leave every ASCII character and random ASCII text canonicalised as the full path does', () => {
    const rand = seededRandom(7)
    const samples = Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}B  _x\t`)
    for (let k = 0; k < 500; k++)
      samples.push(
        Array.from({ length: 40 }, () => String.fromCharCode(Math.floor(rand() * 128))).join(''),
      )
    for (const s of samples)
      for (const collapse of [true, false])
        assert.equal(canonicalize(s, collapse), canonicalize(s, collapse, false), JSON.stringify(s))
  })

  it('skip almost every rule on benign prompts (the pre-filter is on)', () => {
    const prefilter = new RulePrefilter(JAILBREAK_RULES)
    let pairs = 0
    let candidates = 0
    for (const e of examples.filter((x) => !x.attack))
      for (const view of buildViews(e.text)) {
        const c = prefilter.candidates(view.text)
        pairs += c.length
        candidates += c.reduce((a, b) => a + b, 0)
      }
    assert.ok(candidates / pairs < 0.03, `${candidates} of ${pairs} rule×view pairs run`)
  })
})

describe('necessary literals of the shipped rules, on the corpus', () => {
  it('occur in every match, and removing them stops the match', () => {
    const patterns = JAILBREAK_RULES.flatMap((rule) =>
      rule.all.map((re) => ({ id: rule.id, re, clauses: necessaryLiterals(re) })),
    )
    const views = new Set(corpus.flatMap((t) => buildViews(t, false).map((v) => v.text)))
    let matches = 0
    for (const text of views)
      for (const { id, re, clauses } of patterns) {
        const m = re.exec(text)
        if (m === null) continue
        matches++
        for (const clause of clauses) {
          assert.ok(
            clause.some((lit) => m[0].includes(lit)),
            `${id}: match ${JSON.stringify(m[0])} has none of ${JSON.stringify(clause)}`,
          )
          // The same text with this clause's literals blanked out must not match any more.
          let stripped = text
          for (const lit of clause) stripped = stripped.split(lit).join('\u0000')
          assert.ok(!clause.some((lit) => stripped.includes(lit)))
          assert.equal(re.test(stripped), false, `${id} matches without ${JSON.stringify(clause)}`)
        }
      }
    assert.ok(matches > 3000, `only ${matches} pattern matches checked`)
  })
})
