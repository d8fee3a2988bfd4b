/**
 * models.lock.json: what `semantic-router models pull` fetched — repo, requested revision, the
 * commit the hub resolved it to, and the size and sha256 of every file — so start-up can verify a
 * model folder without any network access.
 */
import { createHash } from 'node:crypto'
import {
  createReadStream,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { RouterError } from '../../errors.js'

export const LOCK_FILE = 'models.lock.json'

export interface LockedFile {
  readonly size: number
  readonly sha256: string
}

export interface LockedModel {
  readonly repo: string
  /** Revision asked for (branch, tag or commit). */
  readonly revision: string
  /** Commit the hub resolved it to (X-Repo-Commit). */
  readonly commit: string
  readonly pulledAt: string
  readonly files: Readonly<Record<string, LockedFile>>
}

export interface LockFile {
  readonly version: 1
  /** Keyed by the model folder, relative to the cache directory. */
  readonly models: Readonly<Record<string, LockedModel>>
}

export function readLock(cacheDir: string): LockFile {
  const file = join(cacheDir, LOCK_FILE)
  if (!existsSync(file)) return { version: 1, models: {} }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LockFile
    if (parsed.version !== 1 || typeof parsed.models !== 'object')
      throw new Error('unknown lock format')
    return parsed
  } catch (err) {
    throw new RouterError(
      'model_invalid',
      `${file} is not a valid lock file (${(err as Error).message}); delete it and run semantic-router models pull again`,
      { cause: err, details: { file } },
    )
  }
}

export function writeLock(cacheDir: string, lock: LockFile): void {
  const file = join(cacheDir, LOCK_FILE)
  const sorted = Object.fromEntries(
    Object.entries(lock.models).sort(([a], [b]) => (a < b ? -1 : 1)),
  )
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ version: 1, models: sorted }, null, 2)}\n`)
  renameSync(`${file}.tmp`, file)
}

/** The lock entry covering a model folder, if the folder lies in the cache and was pulled. */
export function lockEntryFor(
  cacheDir: string,
  modelDir: string,
  lock: LockFile,
): [string, LockedModel] | null {
  const rel = relative(resolve(cacheDir), resolve(modelDir))
  if (rel.startsWith('..') || rel === '') return null
  const key = rel.split(sep).join('/')
  const entry = lock.models[key]
  return entry ? [key, entry] : null
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')))
  })
}

export interface VerifyProblem {
  readonly file: string
  readonly problem: 'missing' | 'size' | 'sha256'
}

/** Check every locked file of a model folder; returns the problems (empty when intact). */
export async function verifyModel(modelDir: string, entry: LockedModel): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = []
  for (const [name, expected] of Object.entries(entry.files)) {
    const file = join(modelDir, name)
    if (!existsSync(file)) {
      problems.push({ file, problem: 'missing' })
      continue
    }
    if (statSync(file).size !== expected.size) {
      problems.push({ file, problem: 'size' })
      continue
    }
    if ((await sha256File(file)) !== expected.sha256) problems.push({ file, problem: 'sha256' })
  }
  return problems
}

export function checksumError(modelDir: string, problems: readonly VerifyProblem[]): RouterError {
  const first = problems[0]!
  return new RouterError(
    first.problem === 'missing' ? 'model_missing' : 'model_checksum_mismatch',
    `${first.file} ${first.problem === 'missing' ? 'is missing' : `does not match models.lock.json (${first.problem})`}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}: run semantic-router models verify, then models pull --force to restore ${modelDir}`,
    { details: { problems } },
  )
}
