/**
 * A synchronous fast path for the commonest case: a BERT WordPiece tokenizer (BertNormalizer +
 * BertPreTokenizer + WordPiece, as in the embedded models and most BERT-family classifiers, or a
 * WordLevel model behind the same normaliser and pre-tokenizer, as in models/word-vectors) given
 * pure printable-ASCII text — or, for the lower-casing, accent-stripping normaliser of the
 * embedded models, any text bert-text.ts normalises exactly (see there). The native `tokenizers`
 * binding answers on libuv's thread pool, and that hop costs more than tokenising a short prompt
 * (~70 µs against a few µs here), on every request's critical path.
 *
 * Restricting the fast path to ASCII keeps it exactly equal to the native tokenizer without
 * reimplementing Unicode tables: on ASCII, BertNormalizer's accent stripping and Chinese-character
 * spacing are identities, its lower-casing is A–Z → a–z, clean_text drops the C0 controls and DEL
 * (except tab, newline and carriage return, which become spaces), whitespace is those plus space,
 * and punctuation is exactly the ASCII punctuation characters. Anything else — non-ASCII text,
 * text containing an added token such as `[SEP]`, another tokenizer type, or a caller that needs
 * offsets — goes to the native binding. A test compares both on thousands of texts.
 */

import { Vocabulary } from '../vocabulary.js'
import { BERT_WORD, NATIVE_ONLY, bertNormalise } from './bert-text.js'

/** The parts of tokenizer.json this reads. */
interface TokenizerJson {
  normalizer?: {
    type?: string
    clean_text?: boolean
    lowercase?: boolean
    strip_accents?: boolean | null
    handle_chinese_chars?: boolean
  } | null
  pre_tokenizer?: { type?: string } | null
  model?: {
    type?: string
    vocab?: Record<string, number>
    unk_token?: string
    continuing_subword_prefix?: string
    max_input_chars_per_word?: number
  }
  added_tokens?: { content: string }[]
  post_processor?: {
    type?: string
    single?: ({ SpecialToken?: { id: string } } | { Sequence?: unknown })[]
    special_tokens?: Record<string, { ids?: number[] }>
    cls?: [string, number]
    sep?: [string, number]
  } | null
}

/**
 * The special-token ids the tokenizer's post-processor puts before and after a single text
 * (`[CLS]` … `[SEP]`), read from tokenizer.json; null for a post-processor this does not know,
 * when the native tokenizer must be asked.
 */
export function postProcessorAffixes(
  json: TokenizerJson,
): { prefix: number[]; suffix: number[] } | null {
  const post = json.post_processor
  if (post === null || post === undefined) return { prefix: [], suffix: [] }
  if ((post.type === 'BertProcessing' || post.type === 'RobertaProcessing') && post.cls && post.sep)
    return { prefix: [post.cls[1]], suffix: [post.sep[1]] }
  if (post.type !== 'TemplateProcessing' || !post.single) return null
  const prefix: number[] = []
  const suffix: number[] = []
  let seen = 0
  for (const piece of post.single) {
    if ('Sequence' in piece) seen++
    else if ('SpecialToken' in piece && piece.SpecialToken) {
      const ids = post.special_tokens?.[piece.SpecialToken.id]?.ids
      if (!ids) return null
      ;(seen === 0 ? prefix : suffix).push(...ids)
    } else return null
  }
  return seen === 1 ? { prefix, suffix } : null
}

// Printable ASCII plus tab, newline, carriage return. Other controls also take the native path:
// rare enough that exactness matters more than speed there.
const FAST_TEXT = /^[\x20-\x7e\t\n\r]*$/
// A run of letters and digits, or one ASCII punctuation character (!-/ :-@ [-` {-~): what
// BertPreTokenizer splits ASCII text into.
const WORD = /[^\s!-/:-@[-`{-~]+|[!-/:-@[-`{-~]/g
const ASTRAL = /[\u{10000}-\u{10ffff}]/u

export class AsciiWordPiece {
  private constructor(
    private readonly vocab: Vocabulary,
    private readonly unkId: number,
    private readonly prefix: string,
    private readonly maxChars: number,
    private readonly lowercase: boolean,
    private readonly addedTokens: readonly string[],
    /** WordLevel model: whole words only, no `##` continuation pieces. */
    private readonly wholeWords: boolean,
    /** The normaliser is the one bert-text.ts reproduces, so non-ASCII text can take this path. */
    private readonly unicode: boolean,
  ) {}

  /**
   * A fast path for this tokenizer.json, or null when it is neither a BERT WordPiece tokenizer nor
   * a word-level model behind the same BERT normaliser and pre-tokenizer.
   */
  static fromJson(json: TokenizerJson): AsciiWordPiece | null {
    const { normalizer, pre_tokenizer: pre, model } = json
    if (normalizer?.type !== 'BertNormalizer' || normalizer.clean_text !== true) return null
    if (pre?.type !== 'BertPreTokenizer') return null
    if ((model?.type !== 'WordPiece' && model?.type !== 'WordLevel') || !model.vocab) return null
    const vocab = Vocabulary.from(model.vocab)
    const unkId = vocab.get(model.unk_token ?? '[UNK]')
    if (unkId === undefined) return null
    return new AsciiWordPiece(
      vocab,
      unkId,
      model.continuing_subword_prefix ?? '##',
      model.max_input_chars_per_word ?? 100,
      normalizer.lowercase === true,
      (json.added_tokens ?? []).map((t) => t.content).filter((c) => c !== ''),
      model.type === 'WordLevel',
      normalizer.lowercase === true &&
        (normalizer.strip_accents ?? true) === true &&
        (normalizer.handle_chinese_chars ?? true) === true,
    )
  }

  /** Token ids (no special tokens), or null when the text must go to the native tokenizer. */
  encode(text: string): number[] | null {
    const ascii = FAST_TEXT.test(text)
    if (!ascii && !this.unicodeFits(text)) return null
    const normalised = !ascii ? bertNormalise(text) : this.lowercase ? text.toLowerCase() : text
    // Added tokens are matched before WordPiece: on the raw text, or on the normalised text for
    // tokens added with `normalized: true`. Either way, leave such text to the native binding.
    for (const added of this.addedTokens)
      if (text.includes(added) || normalised.includes(added.toLowerCase())) return null
    const ids: number[] = []
    for (const match of normalised.matchAll(ascii ? WORD : BERT_WORD)) {
      if (this.wholeWords) ids.push(this.vocab.get(match[0]) ?? this.unkId)
      else this.wordPiece(match[0], ids)
    }
    return ids
  }

  /**
   * Non-ASCII text this path gives the native ids for: a normaliser bert-text.ts reproduces and no
   * code point whose Unicode data the two disagree on.
   */
  private unicodeFits(text: string): boolean {
    return this.unicode && !NATIVE_ONLY.test(text)
  }

  /**
   * Greedy longest-match-first; a word with an unknown piece becomes one unknown token. Lengths
   * and pieces count code points, as the binding does (a character outside the BMP is one).
   */
  private wordPiece(text: string, out: number[]): void {
    const word: string | string[] = ASTRAL.test(text) ? [...text] : text
    if (word.length > this.maxChars) {
      out.push(this.unkId)
      return
    }
    const slice = (a: number, b: number): string =>
      typeof word === 'string' ? word.slice(a, b) : word.slice(a, b).join('')
    const start = out.length
    let begin = 0
    while (begin < word.length) {
      let end = word.length
      let id: number | undefined
      while (end > begin) {
        const piece = begin === 0 ? slice(0, end) : this.prefix + slice(begin, end)
        id = this.vocab.get(piece)
        if (id !== undefined) break
        end--
      }
      if (id === undefined) {
        out.length = start
        out.push(this.unkId)
        return
      }
      out.push(id)
      begin = end
    }
  }
}
