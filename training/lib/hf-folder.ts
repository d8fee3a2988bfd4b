/**
 * Writes a model folder in Hugging Face layout (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx) for a BERT-style WordPiece tokenizer. Used for the embedded models, the tiny
 * models the test suite generates, and the benchmark's BERT-sized model.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const

/** Lower-casing, accent-stripping BERT normalisation (what both tokenizer kinds here use). */
const BERT_NORMALIZER = {
  type: 'BertNormalizer',
  clean_text: true,
  handle_chinese_chars: true,
  strip_accents: null,
  lowercase: true,
} as const

/** `added_tokens` entries for special tokens that exist in the vocabulary. */
function addedTokens(ids: ReadonlyMap<string, number>, specials: readonly string[]) {
  return specials.map((content) => {
    const id = ids.get(content)
    if (id === undefined) throw new Error(`vocabulary lacks ${content}`)
    return {
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }
  })
}

/** A tokenizer.json (Hugging Face `tokenizers` format) for a lowercasing BERT WordPiece model. */
export function wordPieceTokenizerJson(vocab: readonly string[], maxLength: number): string {
  const ids = new Map<string, number>()
  vocab.forEach((token, i) => ids.set(token, i))
  const added = addedTokens(ids, SPECIAL_TOKENS)
  const id = (t: string): number => ids.get(t)!
  const special = (name: string, typeId: number) => ({
    SpecialToken: { id: name, type_id: typeId },
  })
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: BERT_NORMALIZER,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]', 0)],
      pair: [
        special('[CLS]', 0),
        { Sequence: { id: 'A', type_id: 0 } },
        special('[SEP]', 0),
        { Sequence: { id: 'B', type_id: 1 } },
        special('[SEP]', 1),
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  }
  void maxLength
  return JSON.stringify(tokenizer)
}

/**
 * A tokenizer.json for a word-level model (one id per whole word, [UNK] otherwise) that splits and
 * normalises exactly like BERT (lower-casing, accents stripped, punctuation split off), so the
 * router's synchronous ASCII fast path serves it too.
 */
export function wordLevelTokenizerJson(vocab: readonly string[]): string {
  const ids = new Map<string, number>()
  vocab.forEach((token, i) => ids.set(token, i))
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(ids, ['[PAD]', '[UNK]']),
    normalizer: BERT_NORMALIZER,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(ids), unk_token: '[UNK]' },
  })
}

export interface HfFolderSpec {
  dir: string
  modelType: string
  /** Labels in id order (omit for feature-extraction models). */
  labels?: readonly string[]
  vocab: readonly string[]
  maxLength: number
  onnx: Uint8Array
  /** Where the ONNX file goes, relative to dir (default onnx/model.onnx). */
  onnxPath?: string
  /** Extra config.json fields (architectures, hidden_size, ...). */
  extraConfig?: Record<string, unknown>
  /** `wordpiece` (default): BERT WordPiece; `wordlevel`: whole words only. */
  tokenizer?: 'wordpiece' | 'wordlevel'
}

export function writeHfFolder(spec: HfFolderSpec): void {
  mkdirSync(spec.dir, { recursive: true })
  const config: Record<string, unknown> = {
    model_type: spec.modelType,
    max_position_embeddings: spec.maxLength,
    ...spec.extraConfig,
  }
  if (spec.labels) {
    config['id2label'] = Object.fromEntries(spec.labels.map((l, i) => [String(i), l]))
    config['label2id'] = Object.fromEntries(spec.labels.map((l, i) => [l, i]))
  }
  writeFileSync(join(spec.dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  const wordLevel = spec.tokenizer === 'wordlevel'
  writeFileSync(
    join(spec.dir, 'tokenizer.json'),
    wordLevel
      ? wordLevelTokenizerJson(spec.vocab)
      : wordPieceTokenizerJson(spec.vocab, spec.maxLength),
  )
  const tokenizerConfig = wordLevel
    ? {
        tokenizer_class: 'PreTrainedTokenizerFast',
        do_lower_case: true,
        model_max_length: spec.maxLength,
        pad_token: '[PAD]',
        unk_token: '[UNK]',
      }
    : {
        tokenizer_class: 'BertTokenizer',
        do_lower_case: true,
        model_max_length: spec.maxLength,
        pad_token: '[PAD]',
        unk_token: '[UNK]',
        cls_token: '[CLS]',
        sep_token: '[SEP]',
        mask_token: '[MASK]',
      }
  writeFileSync(
    join(spec.dir, 'tokenizer_config.json'),
    `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
  )
  const onnxPath = join(spec.dir, spec.onnxPath ?? 'onnx/model.onnx')
  mkdirSync(join(onnxPath, '..'), { recursive: true })
  writeFileSync(onnxPath, spec.onnx)
}
