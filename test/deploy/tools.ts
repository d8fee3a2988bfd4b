/**
 * Helpers for the deployment tests: where the repository is, and the external tools they drive
 * (promtool, prometheus, kubectl). A missing tool skips the test on a developer machine but fails
 * it under CI, where .ci/run installs what these tests need.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { TestContext } from 'node:test'

export const ROOT = join(import.meta.dirname, '..', '..')
export const DEPLOY = join(ROOT, 'deploy')

export function findTool(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/** The tool's path, or undefined after marking the test skipped (outside CI only). */
export function requireTool(t: TestContext, name: string): string | undefined {
  const path = findTool(name)
  if (path !== undefined) return path
  if (process.env['CI'] === 'true') throw new Error(`${name} is required under CI but not on PATH`)
  t.skip(`${name} is not installed`)
  return undefined
}

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.error) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
