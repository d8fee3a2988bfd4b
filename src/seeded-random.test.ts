import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hashString, hashUnit, seededRandom, seededShuffle } from './seeded-random.js'

describe('seeded randomness', () => {
  it('hashString is 32-bit FNV-1a', () => {
    // Reference values of FNV-1a (32 bits).
    assert.equal(hashString(''), 0x811c9dc5)
    assert.equal(hashString('a'), 0xe40c292c)
    assert.equal(hashString('foobar'), 0xbf9cf968)
  })

  it('hashUnit draws repeat per key and spread over [0, 1)', () => {
    assert.equal(hashUnit('42|qwen3-8b|q1'), hashUnit('42|qwen3-8b|q1'))
    const draws = Array.from({ length: 2000 }, (_, i) => hashUnit(`key-${i}`))
    assert.ok(draws.every((d) => d >= 0 && d < 1))
    const low = draws.filter((d) => d < 0.5).length
    assert.ok(low > 900 && low < 1100, `about half below 0.5, got ${low}`)
  })

  it('seededRandom repeats a sequence per seed and differs between seeds', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed))
    assert.deepEqual(take(7), take(7))
    assert.notDeepEqual(take(7), take(8))
    assert.ok(take(1).every((d) => d >= 0 && d < 1))
  })

  it('seededShuffle returns a new permutation that repeats per seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i)
    const a = seededShuffle(items, 3)
    assert.deepEqual(a, seededShuffle(items, 3))
    assert.notDeepEqual(a, items)
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      items,
    )
    assert.deepEqual(
      items,
      Array.from({ length: 20 }, (_, i) => i),
      'input untouched',
    )
  })
})
