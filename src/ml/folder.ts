/**
 * Reads a model folder in Hugging Face layout and checks it before any inference is attempted, so a
 * broken download fails at start-up with the file named and the fix spelled out.
 *
 *   <dir>/config.json            model_type (required), id2label (required for classifiers)
 *   <dir>/tokenizer.json         a `tokenizers` JSON file (WordPiece, BPE, Unigram)
 *   <dir>/tokenizer_config.json  model_max_length (optional but expected)
 *   <dir>/onnx/model.onnx        or <dir>/model.onnx; quantized variants model_quantized.onnx,
 *                                model_int8.onnx, model_uint8.onnx, model_q8.onnx
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { RouterError } from '../errors.js'

export type OnnxVariant = 'auto' | 'fp32' | 'quantized'

export interface ModelFolder {
  readonly dir: string
  readonly modelType: string
  /** Labels in id order from config.json id2label; null when the model has none. */
  readonly labels: readonly string[] | null
  readonly onnxFile: string
  readonly tokenizerFile: string
  /** Longest sequence the model accepts, special tokens included. */
  readonly maxLength: number
  /** Bytes of the ONNX file (plus external data, if any). */
  readonly onnxBytes: number
  readonly config: Readonly<Record<string, unknown>>
}

const FP32_FILES = ['onnx/model.onnx', 'model.onnx']
const QUANTIZED_FILES = [
  'onnx/model_quantized.onnx',
  'model_quantized.onnx',
  'onnx/model_int8.onnx',
  'model_int8.onnx',
  'onnx/model_uint8.onnx',
  'onnx/model_q8.onnx',
]
/** Used when neither tokenizer_config.json nor config.json gives a usable limit. */
export const DEFAULT_MAX_LENGTH = 512
/** `model_max_length` values above this are tokenizers' "unlimited" sentinel, not a limit. */
const SANE_MAX_LENGTH = 1_000_000

const PULL_FIX =
  'run `semantic-router models pull` for hub models, or check the path (relative paths resolve against the config file directory)'

export function readModelFolder(dir: string, variant: OnnxVariant = 'auto'): ModelFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new RouterError('model_missing', `model folder ${dir} does not exist: ${PULL_FIX}`, {
      details: { file: dir },
    })
  }
  const config = readJsonObject(join(dir, 'config.json'))
  const modelType = config['model_type']
  if (typeof modelType !== 'string' || modelType === '') {
    throw invalid(
      join(dir, 'config.json'),
      'has no "model_type"; add the architecture name (e.g. "bert", "modernbert")',
    )
  }
  const tokenizerFile = join(dir, 'tokenizer.json')
  if (!existsSync(tokenizerFile)) {
    throw new RouterError(
      'model_missing',
      `${tokenizerFile} is missing: export the fast tokenizer with the model (tokenizer.save_pretrained) or ${PULL_FIX}`,
      { details: { file: tokenizerFile } },
    )
  }
  const tokenizerConfigFile = join(dir, 'tokenizer_config.json')
  const tokenizerConfig = existsSync(tokenizerConfigFile) ? readJsonObject(tokenizerConfigFile) : {}
  const onnxFile = pickOnnxFile(dir, variant)
  return {
    dir,
    modelType,
    labels: readLabels(config, join(dir, 'config.json')),
    onnxFile,
    tokenizerFile,
    maxLength: maxLengthOf(config, tokenizerConfig),
    onnxBytes: onnxSize(onnxFile),
    config,
  }
}

function pickOnnxFile(dir: string, variant: OnnxVariant): string {
  const order =
    variant === 'quantized'
      ? QUANTIZED_FILES
      : variant === 'fp32'
        ? FP32_FILES
        : [...FP32_FILES, ...QUANTIZED_FILES]
  for (const rel of order) {
    const file = join(dir, rel)
    if (existsSync(file)) return file
  }
  throw new RouterError(
    'model_missing',
    `no ONNX file in ${dir} (looked for ${order.join(', ')}): export the model to ONNX (e.g. optimum-cli export onnx) or ${PULL_FIX}`,
    { details: { file: join(dir, order[0]!) } },
  )
}

function onnxSize(file: string): number {
  let bytes = statSync(file).size
  const external = `${file}_data`
  if (existsSync(external)) bytes += statSync(external).size
  return bytes
}

export function readJsonObject(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new RouterError('model_missing', `${file} is missing or unreadable: ${PULL_FIX}`, {
      cause: err,
      details: { file },
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw invalid(file, `is not valid JSON (${(err as Error).message})`, err)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(file, 'must hold a JSON object')
  }
  return value as Record<string, unknown>
}

function readLabels(config: Record<string, unknown>, file: string): string[] | null {
  const raw = config['id2label']
  if (raw === undefined) return null
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(file, '"id2label" must map "0", "1", ... to label names')
  }
  const entries = Object.entries(raw as Record<string, unknown>)
  const labels: string[] = []
  for (const [key, value] of entries) {
    const index = Number(key)
    if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
      throw invalid(file, `"id2label" key "${key}" is not an index 0..${entries.length - 1}`)
    }
    if (typeof value !== 'string' || value === '') {
      throw invalid(file, `"id2label"["${key}"] must be a non-empty string`)
    }
    labels[index] = value
  }
  return labels
}

function maxLengthOf(
  config: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown>,
): number {
  const candidates = [tokenizerConfig['model_max_length'], config['max_position_embeddings']]
    .filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 2)
    .filter((v) => v < SANE_MAX_LENGTH)
  return candidates.length === 0 ? DEFAULT_MAX_LENGTH : Math.min(...candidates)
}

export function invalid(file: string, problem: string, cause?: unknown): RouterError {
  return new RouterError(
    'model_invalid',
    `${file} ${problem}; re-export the model in Hugging Face layout or re-download it (semantic-router models pull --force)`,
    { cause, details: { file } },
  )
}
