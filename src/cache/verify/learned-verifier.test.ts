import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { bertModelSchema } from '../../config/schema/models.js'
import { cacheVerificationSchema } from '../../config/schema/cache.js'
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { sharedVerifierModel } from './learned-model.js'
import { fingerprint } from './fingerprint.js'
import { compoundNumbersDiffer, questionWordSwapped, switchFlipped } from './rules.js'
import { QueryVerifier } from './verifier.js'

const model = sharedVerifierModel(EMBEDDED_MODELS.cacheVerifier)
const verifier = (options: Record<string, unknown> = {}) =>
  new QueryVerifier(cacheVerificationSchema.parse(options), model)
const defaults = verifier()

function reason(query: string, cached: string, v = defaults): string {
  const verdict = v.verify(query, cached)
  return verdict.ok ? 'ok' : verdict.reason
}

describe('learned cache verifier (models/cache-verifier)', () => {
  it('is the default method, and the rules decide without a model', () => {
    assert.equal(defaults.method, 'learned')
    assert.equal(verifier({ method: 'rules' }).method, 'rules')
    assert.equal(new QueryVerifier(cacheVerificationSchema.parse({})).method, 'rules')
  })

  it('accepts light and heavier rewordings the rules rejected', () => {
    const rules = new QueryVerifier(cacheVerificationSchema.parse({ method: 'rules' }))
    const pairs: [string, string][] = [
      ['How do I descale a coffee grinder?', 'How can I descale a coffee grinder?'],
      ['What is the tallest building in Asia?', 'Which is the tallest building in Asia?'],
      ['How long does it take to learn to ski?', 'How long will it take me to learn skiing?'],
    ]
    for (const [cached, query] of pairs) assert.equal(reason(query, cached), 'ok', query)
    assert.ok(pairs.some(([cached, query]) => !rules.verify(query, cached).ok))
  })

  it('rejects one changed detail and names the reason', () => {
    const cases: [string, string, string[]][] = [
      ['What is 18% of 450?', 'What is 18% of 540?', ['numbers']],
      ['Is it safe to give cats milk?', 'Is it not safe to give cats milk?', ['negation']],
      ['How do I say goodbye in Portuguese?', 'How do I say goodbye in Hungarian?', ['entities']],
      ['What is 14 + 9?', 'What is 14 - 9?', ['operators']],
      // 3 gallons vs 3 litres: the number is in another unit (checked first), and reversed.
      [
        'Convert 3 gallons to liters',
        'Convert 3 liters to gallons',
        ['numbers', 'order', 'operators'],
      ],
      [
        'How do I zip a folder on a Mac?',
        'How do I unzip a folder on a Mac?',
        ['operators', 'negation'],
      ],
    ]
    for (const [cached, query, reasons] of cases)
      assert.ok(reasons.includes(reason(query, cached)), `${query}: ${reason(query, cached)}`)
  })

  it('reads "with no" as "without", and numbers in words as numbers (no veto)', () => {
    const vetoes = ['numbers', 'negation', 'operators']
    for (const [cached, query] of [
      ['How do I start a business with no money?', 'How can I launch a business without money?'],
      ['Is walking 10,000 steps a day enough?', 'Is walking ten thousand steps a day enough?'],
      ['Gift ideas for a 10-year-old boy', 'Gift ideas for a ten year old boy'],
    ] as const)
      assert.ok(!vetoes.includes(reason(query, cached)), `${query}: ${reason(query, cached)}`)
    assert.equal(
      reason(
        'Is walking 12,000 steps a day enough?',
        'Is walking ten thousand steps a day enough?',
      ),
      'numbers',
    )
  })

  it('rejects a quantity asked in another unit of the same kind (the trees accepted it)', () => {
    const rules = verifier({ method: 'rules' })
    for (const [cached, query] of [
      ['How many seconds are there in a day?', 'How many minutes are in a day?'],
      ['How many miles is a marathon?', 'How many kilometres is a marathon?'],
      ['Convert 3.5 hours into minutes', 'How many seconds are in 3.5 hours?'],
      ["What's 150 pounds in kilos?", 'How many pounds is 150 kilograms?'],
    ] as const) {
      assert.equal(reason(query, cached), 'numbers', query)
      assert.equal(reason(query, cached, rules), 'numbers', query)
      assert.notEqual(reason(query, cached, verifier({ numbers: false })), 'numbers', query)
    }
    // A unit one side leaves out, another name of the same unit, a time word that measures
    // nothing ("each day"): no swap.
    for (const [cached, query] of [
      ['How long does it take to boil an egg?', 'For how many minutes should an egg be boiled?'],
      ['How many km is a marathon?', 'How many kilometres is a marathon?'],
      [
        'How much exercise does a border collie need each day?',
        'How many hours of exercise should a border collie get?',
      ],
    ] as const)
      assert.notEqual(reason(query, cached), 'numbers', query)
  })

  it('reads a number at the head of a hyphenated word (the trees accepted "a sixteen-year-old")', () => {
    const rules = verifier({ method: 'rules' })
    for (const [cached, query] of [
      [
        'How much pocket money should a ten-year-old get?',
        'How much pocket money should a sixteen-year-old get?',
      ],
      ['What is a good gift for a five-year-old?', 'What is a good gift for a 7-year-old?'],
      ['What should I pack for a two-week trip?', 'What should I pack for a three-week trip?'],
    ] as const) {
      assert.equal(reason(query, cached), 'numbers', query)
      assert.equal(reason(query, cached, rules), 'numbers', query)
    }
    // The same number in digits; a phrase that starts and ends with one word; no number at all.
    for (const [a, b] of [
      ['a gift for a ten-year-old', 'a gift for a 10-year-old'],
      ['walk two-by-two', 'walk two-by-two in a line'],
      ['a well-known brand', 'a famous brand'],
    ] as const)
      assert.equal(compoundNumbersDiffer(fingerprint(a), fingerprint(b)), undefined, a)
  })

  it('rejects another question word, and a switch flipped, before the trees', () => {
    const rules = verifier({ method: 'rules' })
    for (const [cached, query, why, off] of [
      ['How did Abraham Lincoln die?', 'When did Abraham Lincoln die?', 'content_words', {}],
      [
        'Who built the pyramids of Giza?',
        'When were the pyramids of Giza built?',
        'content_words',
        {},
      ],
      [
        "What's the way to turn on automatic replies in Outlook?",
        'How do I turn off the out-of-office reply in Outlook?',
        'operators',
        { operators: false },
      ],
    ] as const) {
      assert.equal(reason(query, cached), why, query)
      assert.equal(reason(query, cached, rules), why, query)
      if (Object.keys(off).length > 0)
        assert.notEqual(reason(query, cached, verifier(off)), why, query)
    }
    // "what" and "which" stand for any question word; logging in is signing in.
    for (const [cached, query] of [
      [
        'What is the best time of year to visit Iceland?',
        'When is the best time of year to visit Iceland?',
      ],
      ['Which foods are high in iron?', 'What foods are high in iron?'],
      ['How do I log in to my bank account?', 'How do I sign in to my bank account?'],
    ] as const) {
      const [a, b] = [fingerprint(query), fingerprint(cached)]
      assert.equal(questionWordSwapped(a, b) ?? switchFlipped(a, b), undefined, query)
    }
  })

  it('honours the switches and min_confidence', () => {
    const swapped = ['What is 18% of 540?', 'What is 18% of 450?'] as const
    assert.equal(reason(...swapped), 'numbers')
    assert.notEqual(reason(...swapped, verifier({ numbers: false })), 'numbers')
    const light = [
      'How can I descale a coffee grinder?',
      'How do I descale a coffee grinder?',
    ] as const
    assert.equal(reason(...light, verifier({ min_confidence: 1 })), 'content_words')
    assert.equal(verifier({ enabled: false }).verify('a dog', 'a cat').ok, true)
  })

  it('was tuned at the shipped similarity threshold', () => {
    const file = JSON.parse(
      readFileSync(join(EMBEDDED_MODELS.cacheVerifier, 'verifier.json'), 'utf8'),
    ) as { similarity_threshold: number }
    assert.equal(bertModelSchema.parse({}).threshold, file.similarity_threshold)
  })

  it('lets no hard negative of the cache benchmark through (bench/cache/data)', () => {
    for (const file of ['pairs.dev.jsonl', 'pairs.test.jsonl']) {
      const path = join(import.meta.dirname, '..', '..', '..', 'bench', 'cache', 'data', file)
      const pairs = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { label: string; a: string; b: string })
      const accepted = pairs.filter((p) => defaults.verify(p.b, p.a).ok)
      assert.deepEqual(
        accepted.filter((p) => p.label !== 'paraphrase'),
        [],
        file,
      )
      const paraphrases = pairs.filter((p) => p.label === 'paraphrase').length
      assert.ok(accepted.length >= 0.6 * paraphrases, `${file}: ${accepted.length}/${paraphrases}`)
    }
  })
})
