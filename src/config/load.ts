/**
 * Load and validate a router config: YAML → strict schema → cross-field checks → frozen value.
 *
 * Unknown keys are warnings (upstream silently ignores them; we say so). Everything else that is
 * wrong is an error, and all errors are reported at once, each with its YAML path and line.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import type { z } from 'zod'
import { RouterError } from '../errors.js'
import { checkConfig } from './checks.js'
import type { ConfigCheck } from './plugin.js'
import {
  formatIssue,
  formatPath,
  LineLocator,
  type ConfigIssue,
  type PathSegment,
} from './issues.js'
import { routerConfigSchema, type RouterConfig } from './schema/index.js'

export interface LoadedConfig {
  readonly config: RouterConfig
  readonly warnings: readonly ConfigIssue[]
  /** sha256 of the source text, used to skip no-op reloads and shown in /info. */
  readonly hash: string
  /** File path, or a label for in-memory sources. */
  readonly source: string
}

export interface ParseOptions {
  source?: string
  /**
   * Checks run after the schema and the cross-field rules, with the same paths and lines: the
   * composition root passes every plug-in registry's check here (src/assembly/load-config.ts).
   */
  checks?: readonly ConfigCheck[]
}

/** Parse config text. Throws RouterError('config_invalid') listing every error. */
export function parseConfigText(text: string, options: ParseOptions = {}): LoadedConfig {
  const source = options.source ?? '<inline>'
  let raw: unknown
  try {
    raw = parseYaml(text, { version: '1.1', uniqueKeys: true, maxAliasCount: 100 }) ?? {}
  } catch (err) {
    const line = err instanceof YAMLParseError ? err.linePos?.[0]?.line : undefined
    const issue: ConfigIssue = {
      severity: 'error',
      path: '(root)',
      message: `YAML syntax: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      ...(line === undefined ? {} : { line }),
    }
    throw configError(source, [issue])
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    throw configError(source, [
      { severity: 'error', path: '(root)', message: 'the document must be a mapping' },
    ])
  }
  return validateConfigObject(raw as Record<string, unknown>, text, source, options.checks)
}

/** Validate an already-parsed object (text is used only to find line numbers). */
export function validateConfigObject(
  raw: Record<string, unknown>,
  text: string,
  source = '<inline>',
  checks: readonly ConfigCheck[] = [],
): LoadedConfig {
  const locator = LineLocator.fromText(text)
  const issues: ConfigIssue[] = []
  const report = (
    severity: ConfigIssue['severity'],
    path: PathSegment[],
    message: string,
    key?: string,
  ): void => {
    const line = locator.lineOf(path, key)
    issues.push({
      severity,
      path: formatPath(key === undefined ? path : [...path, key]),
      message,
      ...(line === undefined ? {} : { line }),
    })
  }

  const first = routerConfigSchema.safeParse(raw, { reportInput: true })
  let config: RouterConfig | undefined = first.success ? first.data : undefined
  if (!first.success) {
    const stripped = structuredClone(raw)
    let hasRealErrors = false
    for (const issue of first.error.issues) {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          report('warning', path, 'unknown key, ignored', key)
          deleteKey(stripped, path, key)
        }
      } else {
        hasRealErrors = true
        report('error', path, describeIssue(issue))
      }
    }
    if (!hasRealErrors) {
      const second = routerConfigSchema.safeParse(stripped, { reportInput: true })
      if (second.success) config = second.data
      else
        for (const issue of second.error.issues)
          report(
            'error',
            issue.path.filter((p): p is PathSegment => typeof p !== 'symbol'),
            describeIssue(issue),
          )
    }
  }
  if (config) {
    checkConfig(config, report)
    for (const check of checks) check(config, report)
  }

  const errors = issues.filter((i) => i.severity === 'error')
  if (errors.length > 0 || !config) throw configError(source, errors)
  return {
    config: deepFreeze(config),
    warnings: issues.filter((i) => i.severity === 'warning'),
    hash: createHash('sha256').update(text).digest('hex'),
    source,
  }
}

/** Read and parse a config file. */
export async function loadConfigFile(
  path: string,
  options: Omit<ParseOptions, 'source'> = {},
): Promise<LoadedConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new RouterError(
      'config_unreadable',
      `cannot read config file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  return parseConfigText(text, { ...options, source: path })
}

function configError(source: string, issues: ConfigIssue[]): RouterError {
  const lines = issues.map((i) => `  ${formatIssue(i)}`).join('\n')
  return new RouterError(
    'config_invalid',
    `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines}`,
    { details: issues },
  )
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const hint =
        typeof issue.input === 'boolean' && issue.expected === 'string'
          ? ' (YAML reads yes/no/on/off/true/false as booleans: quote the value)'
          : ''
      return `expected ${issue.expected}, got ${describeReceived(issue.input)}${hint}`
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_small':
      return issue.origin === 'array'
        ? issue.message.startsWith('Too small')
          ? `needs at least ${String(issue.minimum)} item(s)`
          : issue.message
        : `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`
    default:
      return issue.message
  }
}

function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing (missing)'
  if (input === null) return 'null'
  if (Array.isArray(input)) return 'a list'
  if (typeof input === 'object') return 'a mapping'
  return `${typeof input} ${JSON.stringify(input)}`
}

function deleteKey(root: unknown, path: readonly PathSegment[], key: string): void {
  let node: unknown = root
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return
    node = (node as Record<string | number, unknown>)[seg]
  }
  if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[key]
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
