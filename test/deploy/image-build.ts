/**
 * The output of the Dockerfile's build stage without a Docker engine: the stage's own build
 * command (`npm run build`, i.e. tsc with tsconfig.build.json) run on exactly the files the stage
 * copies from the build context. The result is cached under node_modules/.cache, keyed by a hash
 * of those files, so the image tests of one run share one compilation; a changed source is a new
 * key.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Stage } from './dockerfile.js'
import { ROOT } from './tools.js'

const CACHE = join(ROOT, 'node_modules', '.cache', 'semantic-router-image')

/** What the build stage copies and runs: the context files, and its RUN commands after them. */
export function buildStagePlan(
  stage: Stage,
  contextFiles: (source: string) => string[],
): { files: string[]; commands: string[] } {
  const files = stage.copies
    .filter((c) => c.from === undefined)
    .flatMap((c) => c.sources.flatMap(contextFiles))
    .sort()
  const commands = stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)
  return { files, commands }
}

/**
 * Run the build stage's final command (`npm run build`) with its output redirected to a cache
 * directory; returns the directory holding what the stage leaves in /app/dist.
 */
export function buildStageOutput(stage: Stage, contextFiles: (source: string) => string[]): string {
  const { files, commands } = buildStagePlan(stage, contextFiles)
  const build = commands.at(-1)
  if (build !== 'npm run build')
    throw new Error(`the build stage ends with "${build}"; the image tests know "npm run build"`)
  const hash = createHash('sha256')
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(ROOT, file)))
  const key = hash.digest('hex').slice(0, 16)
  const out = join(CACHE, key)
  if (existsSync(join(out, 'main.js'))) return out
  mkdirSync(CACHE, { recursive: true })
  const tmp = `${out}.tmp-${process.pid}`
  // `npm run build -- --outDir X` is the stage's command with the output moved, nothing else.
  const r = spawnSync('npm', ['run', 'build', '--', '--outDir', tmp], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`)
  try {
    renameSync(tmp, out)
  } catch {
    rmSync(tmp, { recursive: true, force: true }) // another test process finished first
  }
  for (const old of readdirSync(CACHE))
    if (old !== key && !old.includes('.tmp-'))
      rmSync(join(CACHE, old), { recursive: true, force: true })
  return out
}
