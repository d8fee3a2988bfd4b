import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  KeywordClassifier,
  compileKeyword,
  compileRules,
  ruleMatches,
} from './keyword-classifier.js'

const classify = (c: KeywordClassifier, text: string, history: string[] = []): string | undefined =>
  c.classifySync({ text, history })?.category

describe('keyword rules', () => {
  const rules = new KeywordClassifier([
    { category: 'urgent', operator: 'OR', keywords: ['urgent', 'asap'], case_sensitive: false },
    {
      category: 'sensitive',
      operator: 'AND',
      keywords: ['SSN', 'credit card'],
      case_sensitive: true,
    },
    {
      category: 'not_spam',
      operator: 'NOR',
      keywords: ['buy now', 'free money'],
      case_sensitive: false,
    },
  ])

  it('OR matches any keyword, case-insensitively', () => {
    assert.equal(classify(rules, 'Please help ASAP'), 'urgent')
  })
  it('matches on word boundaries only', () => {
    // "asaparagus" contains "asap" but not as a word; NOR then matches instead.
    assert.equal(classify(rules, 'asaparagus soup'), 'not_spam')
  })
  it('AND needs every keyword, honouring case sensitivity', () => {
    assert.equal(classify(rules, 'my SSN and credit card'), 'sensitive')
    assert.equal(classify(rules, 'my ssn and credit card'), 'not_spam')
  })
  it('NOR matches when none of the keywords occur, and not otherwise', () => {
    assert.equal(classify(rules, 'hello there'), 'not_spam')
    assert.equal(classify(rules, 'BUY NOW, free money'), undefined)
  })
  it('reports which rule fired with confidence 1', () => {
    const r = rules.classifySync({ text: 'urgent', history: [] })
    assert.deepEqual(r, {
      category: 'urgent',
      confidence: 1,
      source: 'keyword',
      detail: 'keyword_rules[0]',
    })
  })
  it('treats regex metacharacters literally', () => {
    const re = compileKeyword('a.b(c)', false)
    assert.ok(re.test('x a.b(c) y'))
    assert.ok(!re.test('x aXb(c) y'))
    const path = compileKeyword('C:\\Program Files\\', false)
    assert.ok(path.test('installed in C:\\Program Files\\app'))
  })
  it('can look at earlier turns when history is given', () => {
    assert.equal(classify(rules, 'and now?', ['this is urgent']), 'urgent')
  })

  it("gives every text the verdict of testing each keyword's own pattern (word lookup, alternation)", () => {
    const keywords = ['python', 'SQL', 'c++', 'stack trace', 'node.js', 'x_y', '42', 'maths', 'Ǆ']
    const texts = [
      'Python!',
      'pythonic code',
      'my_python var',
      'x_y and python_',
      'learn C++ fast',
      'a stack  trace',
      'a Stack Trace here',
      'node.js or nodejs',
      'the answer is 42.',
      '4242',
      'café python',
      'naïve MATHS',
      'ǆ lower',
      'K for python', // Kelvin sign: a word character for /iu
      'ſql',
      '',
    ]
    for (const caseSensitive of [false, true]) {
      const rules = compileRules(
        keywords.map((k) => ({
          category: k,
          operator: 'OR',
          keywords: [k, 'zzz'],
          case_sensitive: caseSensitive,
        })),
      )
      for (const text of texts)
        for (const [i, rule] of rules.entries()) {
          const want = compileKeyword(keywords[i]!, caseSensitive).test(text)
          assert.equal(ruleMatches(rule, text), want, `${keywords[i]} in ${JSON.stringify(text)}`)
          assert.equal(
            ruleMatches({ ...rule, operator: 'NOR' }, text),
            !want,
            `NOR ${keywords[i]} in ${JSON.stringify(text)}`,
          )
        }
    }
  })
})
