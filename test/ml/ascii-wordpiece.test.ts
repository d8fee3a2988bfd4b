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
import { Tokenizer, bertNormalizer, bertPreTokenizer } from 'tokenizers'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import { BERT_WORD, NATIVE_ONLY, bertNormalise } from '../../src/ml/worker/bert-text.js'
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

/** Everyday text beyond ASCII: accents, other scripts, typography, invisible characters. */
const WRITTEN_UNICODE = [
  'café au lait, crème brûlée and a piña colada',
  'Müller’s “quick” test — naïve résumé… ½ price',
  'Ｆｕｌｌｗｉｄｔｈ text and ﬁ ligatures',
  'Привет, как дела? Ёлка и ЕЛЬ',
  'Καλημέρα ΣΟΦΙΑ, τι κάνεις;',
  '中文的问题：怎么做米饭？',
  '日本語のテキスト、カタカナとひらがな。',
  '한국어 문장입니다.',
  'مرحبا بالعالم، كيف حالك؟',
  'שלום עולם',
  'हिन्दी में एक वाक्य।',
  'İstanbul ŞEHİR ığdır',
  'Straße ẞ and Ǆ titlecase ǅ',
  'zero\u200bwidth and soft\u00adhyphen and bom\ufeffhere',
  'vertical\vtab, form\ffeed, nul\u0000byte, next\u0085line',
  'no-break\u00a0space and thin\u2009space and ideographic\u3000space',
  'combining e\u0301 and a\u0308 and stacked o\u0302\u0323',
  'emoji 🙂 here 👍🏽 and 🇫🇷 flag',
  'math 𝐀𝐁𝐂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'private \ue000 use and replacement \ufffd char',
]

/** Vocabulary words glued with characters from many scripts and Unicode categories. */
function unicodeTexts(count: number, words: readonly string[]): string[] {
  const random = seededRandom(20261207)
  const blocks: [number, number][] = [
    [0x80, 0x24f],
    [0x300, 0x36f],
    [0x370, 0x52f],
    [0x590, 0x6ff],
    [0x900, 0x97f],
    [0x1e00, 0x1fff],
    [0x2000, 0x206f],
    [0x20a0, 0x214f],
    [0x2190, 0x22ff],
    [0x3000, 0x30ff],
    [0x4e00, 0x4fff],
    [0xac00, 0xacff],
    [0xf900, 0xfaff],
    [0xfe00, 0xffff],
    [0x1f300, 0x1faff],
  ]
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const char = (): string => {
    const [lo, hi] = pick(blocks)
    return String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1)))
  }
  const texts: string[] = []
  for (let i = 0; i < count; i++) {
    let text = ''
    const n = 1 + Math.floor(random() * 12)
    for (let j = 0; j < n; j++) {
      let word = pick(words)
      if (random() < 0.3) word = word.toUpperCase()
      text += random() < 0.5 ? word : `${word}${char()}${char()}`
      text += random() < 0.7 ? ' ' : char()
    }
    texts.push(text)
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
  {
    name: 'test tiny model',
    file: join(tiny, 'tokenizer.json'),
    added: BERT_ADDED,
  },
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

    const vocabWords = Object.keys(json.model.vocab)
      .filter((w) => /^[a-z]+$/.test(w))
      .slice(0, 3000)
    /** Every text the fast path takes gets the native ids; it must take at least `share`. */
    const agrees = async (texts: readonly string[], share: number) => {
      let fastCount = 0
      for (const text of texts) {
        const ids = fast!.encode(text)
        if (!ids) continue
        fastCount++
        assert.deepEqual(ids, await nativeIds(text), JSON.stringify(text))
      }
      // The fast path must actually be taken, or this test would prove nothing.
      assert.ok(
        fastCount > texts.length * share,
        `${fastCount} of ${texts.length} took the fast path`,
      )
    }

    it('matches the native tokenizer on shipped and generated text', () =>
      agrees([...shippedTexts(), ...generatedTexts(1500, vocabWords)], 0.9))

    it('matches the native tokenizer on text in other scripts, or declines it', () =>
      agrees([...WRITTEN_UNICODE, ...unicodeTexts(1500, vocabWords)], 0.5))

    it('declines text it cannot tokenise exactly', () => {
      // U+061D: a character V8 knows and the binding's tables do not (NATIVE_ONLY).
      for (const text of ['arabic \u061d mark', ...c.added])
        assert.equal(fast!.encode(text), null, JSON.stringify(text))
    })
  })
}

describe('bert-text: the JavaScript BertNormalizer + BertPreTokenizer', () => {
  it('agrees with the native binding on every code point outside NATIVE_ONLY', () => {
    const normaliser = bertNormalizer({
      cleanText: true,
      handleChineseChars: true,
      lowercase: true,
    })
    const pre = bertPreTokenizer()
    const same = (text: string): boolean => {
      const native = normaliser.normalizeString(text)
      if (native !== bertNormalise(text)) return false
      const words = [...native.matchAll(BERT_WORD)].map((m) => m[0])
      return (
        pre.preTokenizeString(native).every(([w], i) => w === words[i]) &&
        pre.preTokenizeString(native).length === words.length
      )
    }
    const disagree: string[] = []
    let checked = 0
    // Chunks of 512 code points, each as `<c>b`; a chunk that differs is checked one by one.
    for (let start = 0; start <= 0x10ffff; start += 512) {
      const chars: string[] = []
      for (let c = start; c < start + 512 && c <= 0x10ffff; c++)
        if ((c < 0xd800 || c > 0xdfff) && !NATIVE_ONLY.test(String.fromCodePoint(c)))
          chars.push(String.fromCodePoint(c))
      checked += chars.length
      const probe = (ch: string) => `${ch}b`
      if (same(chars.map(probe).join(''))) continue
      for (const ch of chars) if (!same(probe(ch))) disagree.push(ch.codePointAt(0)!.toString(16))
    }
    assert.ok(checked > 1_000_000)
    assert.deepEqual(disagree, [], 'regenerate NATIVE_ONLY in src/ml/worker/bert-text.ts')
  })
})

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
