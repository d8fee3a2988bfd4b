/**
 * The config view's data: which config serves (source, sha256, since when), what the last reload
 * did (applied, unchanged or refused, with every problem), and the config itself with secrets
 * redacted — the effective one (defaults filled in) and, when the file on disk is still the one
 * serving, the file as written.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { stringify } from 'yaml'
import type { LoadedConfig } from '../config/load.js'
import { redactConfig, redactConfigText, redactString } from '../config/redact.js'
import { isRouterError } from '../errors.js'
import type { ConfigProblem, ConfigSummary, ConfigView, ReloadStatus } from './frames.js'

/** Largest config file shown as written (bigger ones show only the effective config). */
const MAX_FILE_BYTES = 4 * 1024 * 1024

export class ConfigStatus {
  private loaded: LoadedConfig
  private since: number
  private reload: ReloadStatus | undefined
  private readonly now: () => number

  constructor(loaded: LoadedConfig, now: () => number = Date.now) {
    this.loaded = loaded
    this.now = now
    this.since = now()
  }

  /** A new config started serving. */
  activated(loaded: LoadedConfig): void {
    this.loaded = loaded
    this.since = this.now()
  }

  /** A reload attempt finished (`error` set when it was refused; the old config keeps serving). */
  reloaded(
    result: { ok: true; changed: boolean; hash: string } | { ok: false; error: unknown },
  ): void {
    this.reload = result.ok
      ? { at: this.now(), ok: true, changed: result.changed, hash: result.hash, problems: [] }
      : {
          at: this.now(),
          ok: false,
          changed: false,
          error: result.error instanceof Error ? result.error.message : String(result.error),
          problems: problemsOf(result.error),
        }
  }

  summary(): ConfigSummary {
    return {
      hash: this.loaded.hash,
      source: this.loaded.source,
      activeSince: this.since,
      ...(this.reload ? { lastReload: this.reload } : {}),
      warnings: this.loaded.warnings.map(problem),
    }
  }

  async view(): Promise<ConfigView> {
    const loaded = this.loaded
    const file = await this.fileAsServing(loaded)
    return {
      ...this.summary(),
      effective: stringify(redactConfig(loaded.config), { lineWidth: 0 }),
      ...(file === undefined ? {} : { file: redactConfigText(file) }),
    }
  }

  /** The file's text if it is still exactly what serves (same sha256), else undefined. */
  private async fileAsServing(loaded: LoadedConfig): Promise<string | undefined> {
    if (loaded.source.startsWith('<')) return undefined
    try {
      const bytes = await readFile(loaded.source)
      if (bytes.length > MAX_FILE_BYTES) return undefined
      const text = bytes.toString('utf8')
      return createHash('sha256').update(text).digest('hex') === loaded.hash ? text : undefined
    } catch {
      return undefined
    }
  }
}

function problem(i: {
  severity: string
  path: string
  message: string
  line?: number | undefined
}): ConfigProblem {
  return {
    severity: i.severity === 'error' ? 'error' : 'warning',
    path: i.path,
    message: redactString(i.message),
    ...(i.line === undefined ? {} : { line: i.line }),
  }
}

function problemsOf(err: unknown): ConfigProblem[] {
  if (!isRouterError(err) || !Array.isArray(err.details)) return []
  return (err.details as unknown[]).filter(isIssue).map(problem)
}

function isIssue(
  v: unknown,
): v is { severity: string; path: string; message: string; line?: number } {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o['path'] === 'string' && typeof o['message'] === 'string'
}
