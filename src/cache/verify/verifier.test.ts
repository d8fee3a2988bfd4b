import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { cacheVerificationSchema } from '../../config/schema/cache.js'
import { fingerprint, stem } from './fingerprint.js'
import { QueryVerifier } from './verifier.js'

const defaults = new QueryVerifier(cacheVerificationSchema.parse({}))

function reason(a: string, b: string, v = defaults): string {
  const verdict = v.verify(a, b)
  return verdict.ok ? 'ok' : verdict.reason
}

interface Pair {
  id: string
  label: 'paraphrase' | 'hard_negative'
  a: string
  b: string
}

function pairs(file: string): Pair[] {
  const path = join(import.meta.dirname, '..', '..', '..', 'bench', 'cache', 'data', file)
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Pair)
}

describe('false-hit guard', () => {
  it('extracts numbers, negation, entities, operators and directions', () => {
    const fp = fingerprint(
      "Doesn't World War II start before 1940? Convert 100 USD to EUR, x^3 + 2",
    )
    assert.deepEqual(fp.numbers, ['2', '1940', '100', '3', '2'])
    assert.equal(fp.negations, 1)
    assert.ok(fp.entities.includes('usd') && fp.entities.includes('eur'))
    assert.deepEqual(fp.operators, ['+', '^'])
    assert.ok(fp.directions.includes('usd>eur'))
    assert.equal(stem('spiders'), stem('spider'))
    assert.equal(stem('summarize'), stem('summary'))
  })

  it('reads one number however it is written, and no number where there is none', () => {
    const numbers = (t: string) => fingerprint(t).numbers
    for (const t of ['walking 10,000 steps', 'walking ten thousand steps', 'walk 10k steps'])
      assert.deepEqual(numbers(t), ['10000'], t)
    assert.deepEqual(numbers('two hundred and five people'), ['205'])
    assert.deepEqual(numbers('twenty-five apples, 2 dozen eggs, a hundred pages'), [
      '25',
      '24',
      '100',
    ])
    assert.deepEqual(numbers('the 21st century'), numbers('the twenty-first century'))
    // "I" after the first word of a question is the pronoun; after a name it is a numeral.
    assert.deepEqual(numbers('Can I exercise with a cold? Should I rest?'), [])
    assert.deepEqual(numbers('What happened after World War I?'), ['1'])
    // A hyphen between a number and a word is not a minus; "squared" is "to the power of 2".
    assert.deepEqual(fingerprint('a gift for a 10-year-old boy').operators, [])
    assert.deepEqual(fingerprint('What is 12 - 4?').operators, ['-'])
    const squared = fingerprint('What is 12 squared?')
    const power = fingerprint('Calculate 12 to the power of 2')
    assert.deepEqual([squared.numbers, squared.operators], [power.numbers, power.operators])
  })

  it('names the reason for each kind of hard negative', () => {
    assert.equal(reason('What is 15% of 80?', 'What is 15% of 90?'), 'numbers')
    assert.equal(reason('Give me three tips', 'Give me ten tips'), 'numbers')
    assert.equal(reason('When did World War II end?', 'When did World War I end?'), 'numbers')
    assert.equal(reason('Why does my code work?', "Why doesn't my code work?"), 'negation')
    assert.equal(reason('Is it safe to swim here?', 'Is it unsafe to swim here?'), 'negation')
    assert.equal(
      reason('What is the capital of France?', 'What is the capital of Spain?'),
      'entities',
    )
    assert.equal(
      reason("Translate 'hello' to Spanish", "Translate 'goodbye' to Spanish"),
      'entities',
    )
    assert.equal(reason('How do I encrypt a file?', 'How do I decrypt a file?'), 'operators')
    assert.equal(reason('What is 12 + 4?', 'What is 12 - 4?'), 'operators')
    assert.equal(reason('Convert 5 miles to kilometers', 'Convert 5 kilometers to miles'), 'order')
    assert.equal(reason('How do I reverse a list?', 'How do I sort a list?'), 'content_words')
    assert.equal(
      reason('Write a poem about the ocean', 'Write a sad poem about the ocean'),
      'content_words',
    )
  })

  it('accepts rewordings', () => {
    assert.equal(reason('What is the capital of France?', "what's the capital of france"), 'ok')
    assert.equal(reason('How do I fix my bike?', 'How can I repair my bicycle?'), 'ok')
    assert.equal(reason('When did World War II end?', 'What year did World War II end?'), 'ok')
    assert.equal(
      reason('How far is the Moon from the Earth?', 'How far is the Moon from the Earth'),
      'ok',
    )
  })

  it('is configurable check by check', () => {
    const lenient = new QueryVerifier(
      cacheVerificationSchema.parse({ numbers: false, operators: false, content_words: false }),
    )
    assert.equal(reason('What is 15% of 80?', 'What is 15% of 90?', lenient), 'ok')
    assert.equal(reason('How do I reverse a list?', 'How do I sort a list?', lenient), 'ok')
    const extra = new QueryVerifier(cacheVerificationSchema.parse({ max_extra_content_words: 1 }))
    assert.equal(
      reason('Write a poem about the ocean', 'Write a sad poem about the ocean', extra),
      'ok',
    )
    const off = new QueryVerifier(cacheVerificationSchema.parse({ enabled: false }))
    assert.equal(reason('capital of France', 'capital of Spain', off), 'ok')
  })

  for (const file of ['pairs.dev.jsonl', 'pairs.test.jsonl'])
    it(`rejects every hard negative and accepts most paraphrases in ${file}`, () => {
      const all = pairs(file)
      const accepted = (p: Pair) => defaults.verify(p.b, p.a).ok
      const falseHits = all.filter((p) => p.label === 'hard_negative' && accepted(p))
      assert.deepEqual(
        falseHits.map((p) => p.id),
        [],
      )
      const para = all.filter((p) => p.label === 'paraphrase')
      const rate = para.filter(accepted).length / para.length
      assert.ok(rate >= 0.85, `paraphrase acceptance ${rate}`)
    })
})

describe('bounded comparison (issue 13)', () => {
  const sentence = 'How do I reset the router password for the office network today? '
  const long = sentence.repeat(40)
  it('answers a text longer than the window only with an exact match', () => {
    const bounded = new QueryVerifier(cacheVerificationSchema.parse({}), undefined, 1_000)
    assert.ok(long.length > 1_000)
    // Differs only outside the window the embedding saw: must not be served the other's answer.
    const verdict = bounded.verify(`Hello. ${long}`, `Goodbye. ${long}`)
    assert.equal(verdict.ok, false)
    assert.match(verdict.ok ? '' : verdict.detail, /exact match only/)
    assert.equal(bounded.verify(long, long).ok, true)
    // Within the window the checks decide as before.
    assert.equal(
      reason(sentence, sentence.replace('today', 'now'), bounded),
      reason(sentence, sentence.replace('today', 'now')),
    )
  })
})
