/**
 * The necessary-literal derivation must be sound: every string a regex matches contains a literal
 * of every clause. Checked on hand-written cases, on random regexes against every short string of
 * their alphabet (exhaustive, so a wrong rule in the derivation shows up), and on the shipped rules
 * (every pattern must yield clauses, so the pre-filter is not silently off).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from '../../seeded-random.js'
import { necessaryLiterals } from './literals.js'
import { JAILBREAK_RULES } from './rules/index.js'

const sorted = (clauses: string[][]) => clauses.map((c) => [...c].sort()).sort()

/** Whether the match of `re` in `text` (if any) satisfies every clause. */
function clausesHold(clauses: string[][], match: string): boolean {
  return clauses.every((c) => c.some((lit) => match.includes(lit)))
}

describe('necessaryLiterals', () => {
  it('joins literal runs and multiplies small alternations', () => {
    assert.deepEqual(necessaryLiterals(/\bdo anything now\b/), [['do anything now']])
    assert.deepEqual(sorted(necessaryLiterals(/(?:a|b)cd/)), [['acd', 'bcd']])
    assert.deepEqual(sorted(necessaryLiterals(/colou?r/)), [['color', 'colour']])
    assert.deepEqual(sorted(necessaryLiterals(/summari[sz]e/)), [['summarise', 'summarize']])
  })

  it('splits at constructs it cannot enumerate and keeps a clause per side', () => {
    assert.deepEqual(sorted(necessaryLiterals(/ignore\w+ rules/)), [[' rules'], ['ignore']])
    assert.deepEqual(sorted(necessaryLiterals(/abc[^]*xyz/)), [['abc'], ['xyz']])
    assert.deepEqual(sorted(necessaryLiterals(/ab.cd/)), [['ab'], ['cd']])
    assert.deepEqual(sorted(necessaryLiterals(/(?:x [a-z]+){0,3}tail/)), [['tail']])
  })

  it('gives one clause for an alternation only when every branch has one', () => {
    assert.deepEqual(sorted(necessaryLiterals(/foo\d+|bar/)), [['bar', 'foo']])
    assert.deepEqual(necessaryLiterals(/foo|\d+/), [])
    assert.deepEqual(necessaryLiterals(/(?:foo)?/), [])
  })

  it('ignores what lookarounds test and what optional parts add', () => {
    assert.deepEqual(necessaryLiterals(/(?<!not )\bhello/), [['hello']])
    assert.deepEqual(necessaryLiterals(/hello(?= world)/), [['hello']])
    assert.deepEqual(sorted(necessaryLiterals(/ab(?:cd)*ef/)), [['ab'], ['ef']])
  })

  it('treats escapes by meaning: punctuation is literal, classes and references are not', () => {
    assert.deepEqual(necessaryLiterals(/<\|im_start\|>/), [['<|im_start|>']])
    assert.deepEqual(sorted(necessaryLiterals(/a\d+b/)), [['a'], ['b']])
    assert.deepEqual(sorted(necessaryLiterals(/(x)\1yz/)), [['x'], ['yz']])
    assert.deepEqual(necessaryLiterals(/\cJab/), [['ab']])
    assert.deepEqual(necessaryLiterals(/\x41\u0042/), [['AB']])
    assert.deepEqual(sorted(necessaryLiterals(/[.\-*]x/)), [['*x', '-x', '.x']])
  })

  it('runs nothing through the filter under flags that change matching or keep state', () => {
    assert.deepEqual(necessaryLiterals(/hello/i), [])
    assert.deepEqual(necessaryLiterals(/hello/g), [])
    assert.deepEqual(necessaryLiterals(/hello/y), [])
    assert.deepEqual(necessaryLiterals(/hello/u), [])
    assert.deepEqual(necessaryLiterals(/hello/s), [['hello']])
  })

  it('throws on syntax it does not know, so the caller can run the regex unfiltered', () => {
    assert.throws(() => necessaryLiterals(/(?<n>a)\k<n>b/), SyntaxError)
  })

  it('is sound on random regexes over a small alphabet (every short string checked)', () => {
    const rand = seededRandom(4242)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const atoms = [
      'a',
      'b',
      'c',
      ' ',
      'ab',
      'ba',
      '[ab]',
      '[^a]',
      '.',
      '\\b',
      '\\w',
      '[^]',
      '(?<!a)',
    ]
    const quants = ['', '', '', '?', '*', '+', '{2}', '{1,2}', '{0,3}', '{2,}']
    function gen(depth: number): string {
      const n = 1 + Math.floor(rand() * 4)
      const parts: string[] = []
      for (let i = 0; i < n; i++) {
        const atom =
          depth > 0 && rand() < 0.3
            ? `(?:${gen(depth - 1)}${rand() < 0.5 ? `|${gen(depth - 1)}` : ''})`
            : pick(atoms)
        parts.push(atom + (atom === '\\b' || atom === '(?<!a)' ? '' : pick(quants)))
      }
      return parts.join('')
    }
    // Every string of length ≤ 6 over the alphabet: 1,365 strings.
    const strings = ['']
    for (let len = 1; len <= 6; len++)
      for (const s of strings.filter((x) => x.length === len - 1))
        for (const c of ['a', 'b', 'c', ' ']) strings.push(s + c)
    let checked = 0
    let withClauses = 0
    for (let k = 0; k < 200; k++) {
      const re = new RegExp(gen(2))
      const clauses = necessaryLiterals(re)
      if (clauses.length > 0) withClauses++
      for (const s of strings) {
        const m = re.exec(s)
        if (m === null) continue
        checked++
        assert.ok(
          clausesHold(clauses, s),
          `${re} matched ${JSON.stringify(s)} without ${JSON.stringify(clauses)}`,
        )
        assert.ok(clausesHold(clauses, m[0]), `${re}: match ${JSON.stringify(m[0])} lacks a clause`)
      }
    }
    assert.ok(checked > 10_000 && withClauses > 60, `vacuous: ${checked} matches, ${withClauses}`)
  })

  it('yields clauses for every pattern of the shipped rules', () => {
    for (const rule of JAILBREAK_RULES)
      for (const pattern of rule.all) {
        const clauses = necessaryLiterals(pattern)
        assert.ok(clauses.length > 0, `${rule.id}: ${pattern} has no necessary literal`)
        for (const c of clauses)
          assert.ok(c.length > 0 && !c.includes(''), `${rule.id}: bad clause`)
      }
  })
})
