/**
 * The one shape every extension point uses (pipeline modules, classifiers, cache backends, guard
 * detectors, endpoint policies, model selectors): a kind, a description, an options schema and a
 * factory. Each extension point adds its own `create(...)` signature; what they share — looking a
 * kind up and validating its options with YAML paths — lives here, so the config loader can check
 * every plug-in's part of a file before anything is built (src/assembly/plugins.ts wires them).
 */
import type { z } from 'zod'
import { RouterError } from '../errors.js'
import { formatPath, type ConfigIssue, type PathSegment } from './issues.js'
import type { RouterConfig } from './schema/index.js'

export interface PluginShape<O = unknown> {
  /** The name the config uses (`pipeline.classifiers[].kind`, `backend_type`, ...). */
  readonly kind: string
  readonly description: string
  /** Schema of this plug-in's options in the config (strict: unknown keys are errors). */
  readonly optionsSchema: z.ZodType<O>
}

/** Reports one problem at a YAML path (the loader adds the line). */
export type ConfigReport = (
  severity: ConfigIssue['severity'],
  path: PathSegment[],
  message: string,
  key?: string,
) => void

/** A load-time check of a whole config (run after the schema, with every other check). */
export type ConfigCheck = (config: RouterConfig, report: ConfigReport) => void

/** The plug-ins of one extension point, by kind. Immutable: `with()` returns a new registry. */
export class PluginRegistry<P extends PluginShape> {
  private readonly byKind: ReadonlyMap<string, P>

  constructor(
    /** Name of the extension point, for messages (`classifier`, `cache backend`, ...). */
    readonly point: string,
    plugins: readonly P[],
  ) {
    const byKind = new Map<string, P>()
    for (const p of plugins) {
      if (byKind.has(p.kind)) throw new Error(`${point} "${p.kind}" is registered twice`)
      byKind.set(p.kind, p)
    }
    this.byKind = byKind
  }

  /** A registry with these plug-ins added (a kind that exists already is an error). */
  with(...plugins: readonly P[]): PluginRegistry<P> {
    return new PluginRegistry(this.point, [...this.byKind.values(), ...plugins])
  }

  get(kind: string): P | undefined {
    return this.byKind.get(kind)
  }

  kinds(): string[] {
    return [...this.byKind.keys()]
  }

  all(): P[] {
    return [...this.byKind.values()]
  }

  /**
   * Check a config entry: the kind exists and the options match its schema. Problems are reported
   * at `kindPath` / `optionsPath`; returns the plug-in and its parsed options when both are good.
   */
  check(
    kind: string,
    options: unknown,
    paths: { readonly kind: PathSegment[]; readonly options: PathSegment[] },
    report: ConfigReport,
  ): { plugin: P; options: unknown } | undefined {
    const plugin = this.byKind.get(kind)
    if (!plugin) {
      report(
        'error',
        paths.kind,
        `unknown ${this.point} "${kind}" (known: ${this.kinds().join(', ')})`,
      )
      return undefined
    }
    const parsed = checkOptions(plugin, options, paths.options, report)
    return parsed && { plugin, options: parsed.options }
  }

  /** The same check at build time: throws config_invalid with every problem. */
  require(
    kind: string,
    options: unknown,
    paths: { readonly kind: PathSegment[]; readonly options: PathSegment[] },
  ): { plugin: P; options: unknown } {
    return throwingProblems((report) => this.check(kind, options, paths, report))
  }
}

/** Check one plug-in's options against its schema; problems are reported under `path`. */
export function checkOptions<O>(
  plugin: PluginShape<O>,
  options: unknown,
  path: PathSegment[],
  report: ConfigReport,
): { options: O } | undefined {
  const parsed = plugin.optionsSchema.safeParse(options ?? {})
  if (parsed.success) return { options: parsed.data }
  for (const issue of parsed.error.issues) {
    const sub = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined]
    for (const key of keys)
      report('error', [...path, ...sub], key === undefined ? issue.message : 'unknown option', key)
  }
  return undefined
}

/**
 * A plug-in's options at build time (e.g. a backend reading the section of another it builds on):
 * parsed, or config_invalid with every problem. The load-time check normally caught them already.
 */
export function requireOptions<O>(
  plugin: PluginShape<O>,
  options: unknown,
  path: PathSegment[],
): O {
  return throwingProblems((report) => checkOptions(plugin, options, path, report)).options
}

function throwingProblems<T>(run: (report: ConfigReport) => T | undefined): T {
  const problems: string[] = []
  const found = run((_s, path, message, key) =>
    problems.push(`${formatPath(key === undefined ? path : [...path, key])}: ${message}`),
  )
  if (!found) throw new RouterError('config_invalid', problems.join('; '))
  return found
}
