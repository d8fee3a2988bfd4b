import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { EMBEDDED_MODELS } from './embedded.js'
import { Vocabulary } from './vocabulary.js'

describe('Vocabulary', () => {
  it('answers exactly as a Map over an embedded vocabulary, for words in it and not', () => {
    const entries = (
      JSON.parse(readFileSync(join(EMBEDDED_MODELS.embedding, 'tokenizer.json'), 'utf8')) as {
        model: { vocab: Record<string, number> }
      }
    ).model.vocab
    const map = new Map(Object.entries(entries))
    const vocab = Vocabulary.from(entries)
    assert.equal(vocab.size, map.size)
    for (const [word, id] of map) {
      assert.equal(vocab.get(word), id, word)
      for (const other of [`${word}x`, word.slice(1), word.toUpperCase()])
        assert.equal(vocab.get(other), map.get(other), other)
    }
    for (const word of ['', 'zzqxv', 'café', '中文', '🙂', 'a'.repeat(300)])
      assert.equal(vocab.get(word), map.get(word), word)
  })

  it('holds words of any script and keeps the first of a repeated word', () => {
    const vocab = Vocabulary.from({ café: 1, 中文: 2, '🙂': 3, '': 4 })
    assert.deepEqual(
      ['café', '中文', '🙂', '', 'cafe'].map((w) => vocab.get(w)),
      [1, 2, 3, 4, undefined],
    )
  })
})
