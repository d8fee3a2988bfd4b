/**
 * `models pull --lock <file>`: fetch exactly what a models.lock.json pins — each model at its
 * locked commit, each locked file, each checked against its locked size and sha256 — into the
 * model cache. This is how a deployment reproduces the models a developer pulled and tested (the
 * Kubernetes init container runs it with the lock file from the ConfigMap): nothing is chosen at
 * pull time, so a moved branch or a replaced file on the hub fails the pull instead of changing
 * what runs. Files already intact are kept, and interrupted downloads resume.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path'
import { RouterError } from '../../errors.js'
import type { HubClient } from './client.js'
import {
  LOCK_FILE,
  readLock,
  sha256File,
  writeLock,
  type LockedFile,
  type LockedModel,
  type LockFile,
} from './lock.js'

export interface PinnedPullOptions {
  /** The lock file to reproduce (any path; it is read, never written). */
  readonly lockFile: string
  readonly cacheDir: string
  readonly client: HubClient
  readonly force?: boolean
  readonly say?: (line: string) => void
}

export interface PinnedModelResult {
  readonly key: string
  readonly dir: string
  readonly entry: LockedModel
  readonly downloaded: number
  readonly skipped: number
}

/** Read a lock file by path; unlike a cache's own lock, a missing pin file is an error. */
export function readPinFile(file: string): LockFile {
  if (!existsSync(file))
    throw new RouterError('model_missing', `lock file ${file} does not exist`, {
      details: { file },
    })
  if (basename(file) === LOCK_FILE) return readLock(dirname(file))
  throw new RouterError('model_invalid', `${file}: a lock file must be named ${LOCK_FILE}`, {
    details: { file },
  })
}

/** `name` below `dir`, refusing names that would escape it (the lock file is input). */
function inside(dir: string, name: string, file: string): string {
  const path = resolve(dir, name)
  const rel = relative(resolve(dir), path)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new RouterError('model_invalid', `${file}: "${name}" points outside ${dir}`, {
      details: { file },
    })
  return path
}

function mismatch(repo: string, file: string, why: string, lockFile: string): RouterError {
  return new RouterError(
    'model_checksum_mismatch',
    `${repo}/${file} at the pinned commit ${why} ${lockFile}: the hub serves different content than was pinned; pin again (models pull ${repo} --revision <rev>) only if you trust the new files`,
    { details: { repo, file } },
  )
}

async function intact(path: string, want: LockedFile): Promise<boolean> {
  if (!existsSync(path) || statSync(path).size !== want.size) return false
  return (await sha256File(path)) === want.sha256
}

async function pullPinnedFile(
  pin: LockedModel,
  file: string,
  want: LockedFile,
  dest: string,
  opts: PinnedPullOptions,
): Promise<void> {
  const meta = await opts.client.fileMeta(pin.repo, pin.commit, file)
  if (meta.size !== null && meta.size !== want.size)
    throw mismatch(pin.repo, file, `has ${meta.size} bytes, not the ${want.size} of`, opts.lockFile)
  if (meta.sha256 !== null && meta.sha256 !== want.sha256)
    throw mismatch(pin.repo, file, 'has another sha256 than', opts.lockFile)
  opts.say?.(`  ${file} (${want.size} bytes)`)
  const sha256 = await opts.client.download(meta, dest)
  if (sha256 !== want.sha256) {
    rmSync(dest, { force: true })
    throw mismatch(pin.repo, file, 'has another sha256 than', opts.lockFile)
  }
}

/** Pull every model the lock file pins; the cache's own lock then records them. */
export async function pullPinned(opts: PinnedPullOptions): Promise<PinnedModelResult[]> {
  const pins = readPinFile(opts.lockFile)
  const results: PinnedModelResult[] = []
  for (const [key, pin] of Object.entries(pins.models)) {
    const dir = inside(opts.cacheDir, key, opts.lockFile)
    let downloaded = 0
    let skipped = 0
    for (const [file, want] of Object.entries(pin.files)) {
      const dest = inside(dir, file, opts.lockFile)
      if (!opts.force && (await intact(dest, want))) {
        skipped++
        continue
      }
      await pullPinnedFile(pin, file, want, dest, opts)
      downloaded++
    }
    results.push({
      key,
      dir,
      entry: { ...pin, pulledAt: new Date().toISOString() },
      downloaded,
      skipped,
    })
  }
  if (results.length > 0) {
    const pulled = Object.fromEntries(results.map((r) => [r.key, r.entry]))
    mkdirSync(opts.cacheDir, { recursive: true })
    writeLock(opts.cacheDir, {
      version: 1,
      models: { ...readLock(opts.cacheDir).models, ...pulled },
    })
  }
  return results
}
