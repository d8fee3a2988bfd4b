/**
 * The ASCII WordPiece fast path must give exactly the native tokenizer's ids, or decline. Checked
 * on every text the project ships (category, embedding and guard data) and on generated text that
 * stresses the edges: punctuation runs, tabs and newlines, upper case, digits, words longer than
 * max_input_chars_per_word, and words with no WordPiece split.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { Tokenizer } from 'tokenizers'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import { seededRandom } from '../../src/seeded-random.js'
import { tempDir, writeSequenceModel } from '../helpers/tiny-models.js'

const DATA = join(import.meta.dirname, '../../training/data')

function shippedTexts(): string[] {
  const files = [
    ...readdirSync(DATA).map((f) => join(DATA, f)),
    ...readdirSync(join(DATA, 'guards')).map((f) => join(DATA, 'guards', f)),
  ].filter((f) => /\.(tsv|txt)$/.test(f))
  const texts: string[] = []
  for (const file of files)
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue
      texts.push(line, ...line.split('\t'))
    }
  return texts
}

function generatedTexts(count: number, words: readonly string[]): string[] {
  const random = seededRandom(20261126)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const glue = [' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '', '-', '.', ', ', '!?', '...', "'", '"']
  const odd = ['', 'ABC', 'x'.repeat(101), 'y'.repeat(100), 'qzxqzxv', '1234567', 'e.g.', 'u.s.a']
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    const parts: string[] = []
    const n = 1 + Math.floor(random() * 25)
    for (let j = 0; j < n; j++) {
      let word = random() < 0.1 ? pick(odd) : pick(words)
      if (random() < 0.2) word = word.toUpperCase()
      if (random() < 0.1) word = word[0]?.toUpperCase() + word.slice(1)
      if (random() < 0.1) word += pick(words)
      parts.push(word, pick(glue))
    }
    texts.push(parts.join(''))
  }
  return texts
}

interface Case {
  readonly name: string
  readonly file: string
  /** Text holding one of the tokenizer's added tokens (the fast path must decline it). */
  readonly added: readonly string[]
}

const BERT_ADDED = ['a [SEP] b', '[CLS]', 'a [sep] b']
const WORD_LEVEL_ADDED = ['a [UNK] b', '[PAD]']

const tiny = writeSequenceModel(join(tempDir(), 'seq'))
const CASES: Case[] = [
  {
    name: 'embedded category model (WordLevel)',
    file: join(EMBEDDED_MODELS.category, 'tokenizer.json'),
    added: WORD_LEVEL_ADDED,
  },
  {
    name: 'embedded embedding model',
    file: join(EMBEDDED_MODELS.embedding, 'tokenizer.json'),
    added: BERT_ADDED,
  },
  { name: 'test tiny model', file: join(tiny, 'tokenizer.json'), added: BERT_ADDED },
  {
    name: 'embedded word-vector model (WordLevel)',
    file: join(EMBEDDED_MODELS.wordVectors, 'tokenizer.json'),
    added: WORD_LEVEL_ADDED,
  },
]

for (const c of CASES) {
  describe(`ascii wordpiece: ${c.name}`, () => {
    const json = JSON.parse(readFileSync(c.file, 'utf8')) as {
      model: { vocab: Record<string, number> }
    }
    const fast = AsciiWordPiece.fromJson(json)
    const native = Tokenizer.fromFile(c.file)
    native.disableTruncation()
    native.disablePadding()
    const nativeIds = async (text: string) =>
      (await native.encode(text, null, { addSpecialTokens: false })).getIds()

    it('applies to this tokenizer', () => assert.ok(fast))

    it('matches the native tokenizer on shipped and generated text', async () => {
      const vocabWords = Object.keys(json.model.vocab).filter((w) => /^[a-z]+$/.test(w))
      const texts = [...shippedTexts(), ...generatedTexts(1500, vocabWords.slice(0, 3000))]
      let fastCount = 0
      for (const text of texts) {
        const ids = fast!.encode(text)
        if (!ids) continue
        fastCount++
        assert.deepEqual(ids, await nativeIds(text), JSON.stringify(text))
      }
      // The fast path must actually be taken, or this test would prove nothing.
      assert.ok(
        fastCount > texts.length * 0.9,
        `${fastCount} of ${texts.length} took the fast path`,
      )
    })

    it('declines text it cannot tokenise exactly', () => {
      for (const text of [
        'café au lait',
        'emoji 🙂 here',
        '中文',
        'zero\u200bwidth',
        'vertical\vtab',
        'nul\u0000byte',
        ...c.added,
      ])
        assert.equal(fast!.encode(text), null, JSON.stringify(text))
    })
  })
}

describe('ascii wordpiece: other tokenizers', () => {
  it('is not offered for anything but BertNormalizer + BertPreTokenizer + WordPiece/WordLevel', () => {
    const bert = JSON.parse(readFileSync(CASES[1]!.file, 'utf8')) as Record<string, unknown>
    const variants: Record<string, unknown>[] = [
      { ...bert, normalizer: { type: 'Lowercase' } },
      { ...bert, normalizer: { ...(bert['normalizer'] as object), clean_text: false } },
      { ...bert, pre_tokenizer: { type: 'Whitespace' } },
      { ...bert, model: { ...(bert['model'] as object), type: 'BPE' } },
      { ...bert, model: { ...(bert['model'] as object), unk_token: 'not-in-vocab' } },
    ]
    for (const v of variants) assert.equal(AsciiWordPiece.fromJson(v), null)
  })
})
