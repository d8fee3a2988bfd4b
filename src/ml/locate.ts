/**
 * Where a configured `model_id` lives on disk. Tried in order:
 *
 * 1. an absolute path;
 * 2. relative to the config file's directory, then to the working directory (upstream configs
 *    say `models/<name>` relative to where the router was started);
 * 3. a hub repo id (`org/name`) pulled by `semantic-router models pull` into the model cache
 *    (found through models.lock.json).
 *
 * Nothing here touches the network.
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { RouterError } from '../errors.js'
import { readLock } from './hub/lock.js'

export interface LocateContext {
  readonly baseDir: string
  readonly cacheDir: string
}

const HUB_ID = /^[\w.-]+\/[\w.-]+$/

export function isHubId(modelId: string): boolean {
  return HUB_ID.test(modelId) && !modelId.startsWith('.') && !modelId.startsWith('models/')
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}

export function locateModel(modelId: string, ctx: LocateContext): string {
  const tried: string[] = []
  if (isAbsolute(modelId)) {
    if (isDir(modelId)) return modelId
    tried.push(modelId)
  } else {
    for (const base of [ctx.baseDir, process.cwd()]) {
      const candidate = resolve(base, modelId)
      if (isDir(candidate)) return candidate
      if (!tried.includes(candidate)) tried.push(candidate)
    }
  }
  if (isHubId(modelId)) {
    const lock = readLock(ctx.cacheDir)
    for (const [dir, entry] of Object.entries(lock.models)) {
      if (entry.repo === modelId && isDir(join(ctx.cacheDir, dir))) return join(ctx.cacheDir, dir)
    }
  }
  throw new RouterError(
    'model_missing',
    `model "${modelId}" not found (looked in ${tried.join(', ')}${isHubId(modelId) ? ` and ${join(ctx.cacheDir, 'models.lock.json')}` : ''}): run \`semantic-router models pull ${isHubId(modelId) ? modelId : '--config <config.yaml>'}\`, fix the path, or leave model_id empty for the embedded default`,
    { details: { file: tried[0] } },
  )
}
