/**
 * `models pull`: fetch a model folder from the hub at a pinned revision into the model cache and
 * record every file's size and sha256 in models.lock.json. Re-running is cheap (intact files are
 * skipped) and resumes interrupted downloads. Without --revision a model already in the lock file
 * is re-pulled at its locked commit, so a pull is reproducible until you ask for a new revision.
 */
import { existsSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { RouterError } from '../../errors.js'
import type { HubClient } from './client.js'
import { readLock, sha256File, writeLock, type LockedFile, type LockedModel } from './lock.js'

export type PullVariant = 'auto' | 'fp32' | 'quantized' | 'all'

export interface PullOptions {
  readonly repo: string
  readonly revision?: string
  readonly cacheDir: string
  /** Folder name in the cache (default: the repo's name, as upstream's models/ layout). */
  readonly name?: string
  readonly variant?: PullVariant
  readonly force?: boolean
  readonly client: HubClient
  readonly say?: (line: string) => void
}

export interface PullResult {
  readonly dir: string
  readonly key: string
  readonly entry: LockedModel
  readonly downloaded: number
  readonly skipped: number
}

const METADATA =
  /^(config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|[^/]*mapping[^/]*\.json)$/
const FP32 = ['onnx/model.onnx', 'model.onnx']
const QUANTIZED = [
  'onnx/model_quantized.onnx',
  'model_quantized.onnx',
  'onnx/model_int8.onnx',
  'onnx/model_uint8.onnx',
  'onnx/model_q8.onnx',
]

export function selectFiles(
  repo: string,
  files: readonly string[],
  variant: PullVariant,
): string[] {
  if (variant === 'all') return [...files]
  const present = new Set(files)
  const pick = (names: string[]): string | undefined => names.find((n) => present.has(n))
  const onnx =
    variant === 'fp32'
      ? pick(FP32)
      : variant === 'quantized'
        ? pick(QUANTIZED)
        : (pick(FP32) ?? pick(QUANTIZED))
  if (!onnx) {
    throw new RouterError(
      'model_download_failed',
      `${repo} has no ${variant === 'auto' ? '' : `${variant} `}ONNX export (looked for ${(variant === 'quantized' ? QUANTIZED : variant === 'fp32' ? FP32 : [...FP32, ...QUANTIZED]).join(', ')}); export it with \`optimum-cli export onnx --model ${repo} <dir>\` and point model_id at <dir>`,
    )
  }
  for (const required of ['config.json', 'tokenizer.json']) {
    if (!present.has(required)) {
      throw new RouterError(
        'model_download_failed',
        `${repo} has no ${required}; it is not a Hugging Face-layout model with a fast tokenizer`,
      )
    }
  }
  const extra = present.has(`${onnx}_data`) ? [`${onnx}_data`] : []
  return [...files.filter((f) => METADATA.test(f)), onnx, ...extra]
}

async function intact(file: string, locked: LockedFile | undefined): Promise<boolean> {
  if (!locked || !existsSync(file) || statSync(file).size !== locked.size) return false
  return (await sha256File(file)) === locked.sha256
}

export async function pullModel(opts: PullOptions): Promise<PullResult> {
  const say = opts.say ?? (() => undefined)
  const key = opts.name ?? basename(opts.repo)
  const lock = readLock(opts.cacheDir)
  const previous = lock.models[key]
  const revision = opts.revision ?? (previous?.repo === opts.repo ? previous.commit : 'main')
  const info = await opts.client.repoInfo(opts.repo, revision)
  const files = selectFiles(opts.repo, info.files, opts.variant ?? 'auto')
  const dir = join(opts.cacheDir, key)
  const recorded: Record<string, LockedFile> = {}
  let downloaded = 0
  let skipped = 0
  for (const file of files) {
    const dest = join(dir, file)
    const locked = previous?.commit === info.sha ? previous.files[file] : undefined
    if (!opts.force && (await intact(dest, locked))) {
      recorded[file] = locked!
      skipped++
      continue
    }
    // Pin every file to the commit the revision resolved to, even if the branch moves meanwhile.
    const meta = await opts.client.fileMeta(opts.repo, info.sha, file)
    say(`  ${file} (${meta.size === null ? '?' : `${meta.size} bytes`})`)
    const sha256 = await opts.client.download(meta, dest)
    recorded[file] = { size: statSync(dest).size, sha256 }
    downloaded++
  }
  const entry: LockedModel = {
    repo: opts.repo,
    revision: opts.revision ?? previous?.revision ?? 'main',
    commit: info.sha,
    pulledAt: new Date().toISOString(),
    files: recorded,
  }
  writeLock(opts.cacheDir, {
    version: 1,
    models: { ...readLock(opts.cacheDir).models, [key]: entry },
  })
  return { dir, key, entry, downloaded, skipped }
}

/**
 * Upstream's model folders (tools/make/models.mk) and their hub repos, so `models pull --config`
 * can fetch what an upstream config.yaml names by local path.
 */
export const UPSTREAM_MODELS: Record<string, string> = {
  'all-MiniLM-L12-v2': 'sentence-transformers/all-MiniLM-L12-v2',
  'category_classifier_modernbert-base_model':
    'LLM-Semantic-Router/category_classifier_modernbert-base_model',
  'pii_classifier_modernbert-base_presidio_token_model':
    'LLM-Semantic-Router/pii_classifier_modernbert-base_presidio_token_model',
  'pii_classifier_modernbert-base_model':
    'LLM-Semantic-Router/pii_classifier_modernbert-base_model',
  'jailbreak_classifier_modernbert-base_model':
    'LLM-Semantic-Router/jailbreak_classifier_modernbert-base_model',
}
