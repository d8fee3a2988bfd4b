/**
 * Load and validate a router config: YAML → strict schema → cross-field checks → frozen value.
 *
 * Unknown keys are warnings (upstream silently ignores them; we say so). Everything else that is
 * wrong is an error, and all errors are reported at once, each with its YAML path and line.
 * Both of upstream's schemas load: the classic one, and v0.3 (a file with `routing` or `global`
 * at the top, src/config/v03/load.ts), which is lowered into the same internal configuration.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parse as parseYaml, YAMLParseError } from 'yaml'
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
import { salvageConfig, underReplaced } from './salvage.js'
import { parseWithSchema } from './schema-parse.js'
import { routerConfigSchema, type RouterConfig } from './schema/index.js'
import { isV03Document } from './schema/v03/index.js'
import { validateV03Object } from './v03/load.js'

export interface LoadedConfig {
  readonly config: RouterConfig
  readonly warnings: readonly ConfigIssue[]
  /** sha256 of the source text, used to skip no-op reloads and shown in /info. */
  readonly hash: string
  /** File path, or a label for in-memory sources. */
  readonly source: string
}

export interface ValidateOptions {
  /**
   * Checks run after the schema and the cross-field rules, with the same paths and lines: the
   * composition root passes every plug-in registry's check here (src/assembly/load-config.ts).
   */
  checks?: readonly ConfigCheck[]
}

export interface ParseOptions extends ValidateOptions {
  source?: string
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
  return validateConfigObject(raw as Record<string, unknown>, text, source, options)
}

/** Validate an already-parsed object (text is used only to find line numbers). */
export function validateConfigObject(
  raw: Record<string, unknown>,
  text: string,
  source = '<inline>',
  options: ValidateOptions = {},
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

  let config: RouterConfig | undefined
  if (isV03Document(raw)) {
    config = validateV03Object(raw, report)
  } else {
    config = parseWithSchema(routerConfigSchema, raw, report)
    if (config) checkConfig(config, report)
    else {
      // Schema errors: check the references between sections too, on stand-ins (salvage.ts).
      const salvaged = salvageConfig(raw)
      if (salvaged) {
        const filtered: typeof report = (severity, path, message, key) => {
          if (!underReplaced(key === undefined ? path : [...path, key], salvaged.replaced))
            report(severity, path, message, key)
        }
        checkConfig(salvaged.config, filtered)
        for (const check of options.checks ?? []) check(salvaged.config, filtered)
      }
    }
  }
  if (config) for (const check of options.checks ?? []) check(config, report)

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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
