/**
 * The container image without a Docker engine: the Dockerfile's runtime stage laid out under a
 * temporary root from the build context (honouring .dockerignore), read-only, and the image's
 * ENTRYPOINT run from it as the image's user with the image's environment.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative } from 'node:path'
import { DockerIgnore, parseDockerfile, type Stage } from './dockerfile.js'
import { buildStageOutput } from './image-build.js'
import type { LaunchOptions } from '../helpers/processes.js'
import { ROOT } from './tools.js'

export const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
export const runtime: Stage = stages.at(-1)!
export const ignore = new DockerIgnore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'))

export function filesUnder(path: string): string[] {
  const abs = join(ROOT, path)
  if (!statSync(abs).isDirectory()) return [path]
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
}

/** Files of a COPY source that reach the build context. */
export function contextFiles(source: string): string[] {
  return filesUnder(source.replace(/^\.\//, '')).filter((f) => !ignore.excludes(f))
}

/**
 * What a `COPY --from=<stage>` brings: the dependency stage's node_modules (this checkout's, linked:
 * it holds the production dependencies and more), or the build stage's dist/ (compiled by the
 * stage's own command, see image-build.ts).
 */
function stageFromStage(from: string, source: string, dest: string): void {
  const stage = stages.find((s) => s.name === from)
  if (source === `${stage?.workdir}/node_modules`) {
    symlinkSync(join(ROOT, 'node_modules'), dest)
    return
  }
  if (stage && source === `${stage.workdir}/dist`) {
    cpSync(buildStageOutput(stage, contextFiles), dest, { recursive: true })
    return
  }
  throw new Error(`unexpected COPY --from=${from} ${source}`)
}

function absoluteDest(stage: Stage, dest: string): string {
  return posix.isAbsolute(dest) ? dest : posix.join(stage.workdir, dest)
}

export interface StagedImage {
  readonly root: string
  /** A path inside the image, as a path on this machine. */
  path(imagePath: string): string
  /** How to start the ENTRYPOINT: command + prefix arguments, and spawn options. */
  entrypoint(): { command: string[]; options: LaunchOptions }
  /** Run the ENTRYPOINT with these arguments (absolute paths mapped into the image), to the end. */
  run(
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): { status: number | null; stdout: string; stderr: string }
  remove(): void
}

/**
 * Stage the image. `mounts` are extra files placed at absolute image paths (what Kubernetes
 * mounts, e.g. the config at /etc/semantic-router/config.yaml; a function gets the mapping of
 * image paths to paths here, for files that name other image paths); `volumes` are writable empty
 * directories (emptyDir volumes), owned by the image's user.
 */
export function stageImage(
  mounts: Readonly<Record<string, string | ((path: (imagePath: string) => string) => string)>> = {},
  volumes: readonly string[] = [],
): StagedImage {
  const root = mkdtempSync(join(tmpdir(), 'sr-image-'))
  for (const copy of runtime.copies) {
    const dest = join(root, absoluteDest(runtime, copy.dest))
    if (copy.from !== undefined) {
      mkdirSync(dirname(dest), { recursive: true })
      stageFromStage(copy.from, copy.sources.join(), dest)
      continue
    }
    for (const src of copy.sources) {
      const base = src.replace(/^\.\//, '')
      const isDir = statSync(join(ROOT, base)).isDirectory()
      for (const file of contextFiles(base)) {
        const target = isDir ? join(dest, relative(base, file)) : join(dest, posix.basename(file))
        mkdirSync(dirname(target), { recursive: true })
        cpSync(join(ROOT, file), target)
      }
    }
  }
  const path = (p: string): string => (p.startsWith('/') ? join(root, p) : p)
  for (const [imagePath, content] of Object.entries(mounts)) {
    mkdirSync(dirname(join(root, imagePath)), { recursive: true })
    writeFileSync(join(root, imagePath), typeof content === 'string' ? content : content(path))
  }
  mkdirSync(join(root, 'tmp'))
  // Nothing in the image is writable by the router's user (the root filesystem is read-only).
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (!entry.isSymbolicLink())
      chmodSync(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o555 : 0o444)
  chmodSync(root, 0o555)
  const [uid, gid] = (runtime.user ?? '').split(':').map(Number)
  for (const volume of volumes) {
    const dir = join(root, volume)
    chmodSync(dirname(dir), 0o755)
    mkdirSync(dir, { recursive: true })
    chmodSync(dirname(dir), 0o555)
    if (process.getuid?.() === 0) chownSync(dir, uid!, gid!)
  }

  const entrypoint = (): { command: string[]; options: LaunchOptions } => {
    const [command, ...rest] = runtime.entrypoint!
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] }
    for (const [k, v] of Object.entries(runtime.env)) env[k] = v.startsWith('/') ? path(v) : v
    env['TMPDIR'] = path('/tmp')
    return {
      command: [command === 'node' ? process.execPath : command!, ...rest.map(path)],
      options: {
        cwd: path(runtime.workdir),
        env,
        // Only root can switch users; elsewhere the test runs as the current user.
        ...(process.getuid?.() === 0 ? { uid: uid!, gid: gid! } : {}),
      },
    }
  }
  return {
    root,
    path,
    entrypoint,
    run(args, env = {}) {
      const { command, options } = entrypoint()
      const result = spawnSync(command[0]!, [...command.slice(1), ...args.map(path)], {
        ...options,
        env: { ...options.env, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      })
      if (result.error) throw result.error
      return { status: result.status, stdout: result.stdout, stderr: result.stderr }
    },
    remove() {
      chmodSync(root, 0o755)
      for (const entry of readdirSync(root, { recursive: true, withFileTypes: true }))
        if (entry.isDirectory()) chmodSync(join(entry.parentPath, entry.name), 0o755)
      rmSync(root, { recursive: true, force: true })
    },
  }
}
