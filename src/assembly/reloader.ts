/**
 * Hot reload: applies new configs one at a time, and a config that fails to load or build — or
 * would take away every endpoint, model and category — leaves the running runtime untouched.
 */
import type { LoadedConfig } from '../config/load.js'
import { routesAnything } from '../config/checks.js'
import type { ServerConfig } from '../config/schema/index.js'
import type { ConfigStatus } from '../console/config-status.js'
import { isRouterError, RouterError, toRouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { Runtime } from '../pipeline/runtime.js'
import type { LiveRuntime } from './live-runtime.js'

export type ReloadResult =
  { readonly ok: true; readonly changed: boolean } | { readonly ok: false; readonly error: string }

/** Applies new configs one at a time; a failure leaves the running runtime untouched. */
export class Reloader {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly live: LiveRuntime<Runtime>
  private readonly log: Logger
  private readonly metrics: RouterMetrics
  private readonly build: (loaded: LoadedConfig) => Promise<Runtime>
  private readonly status: ConfigStatus

  constructor(
    live: LiveRuntime<Runtime>,
    log: Logger,
    metrics: RouterMetrics,
    build: (loaded: LoadedConfig) => Promise<Runtime>,
    status: ConfigStatus,
  ) {
    this.live = live
    this.log = log
    this.metrics = metrics
    this.build = build
    this.status = status
  }

  apply(load: () => Promise<LoadedConfig>): Promise<ReloadResult> {
    const next = this.queue.then(() => this.run(load))
    this.queue = next
    return next
  }

  private async run(load: () => Promise<LoadedConfig>): Promise<ReloadResult> {
    let loaded: LoadedConfig
    let runtime: Runtime
    try {
      loaded = await load()
      if (loaded.hash === this.live.current().loaded.hash) {
        this.status.reloaded({ ok: true, changed: false, hash: loaded.hash })
        return { ok: true, changed: false }
      }
      // A file that would take away every endpoint, model and category is a mistake, not a plan.
      if (routesAnything(this.live.current().config) && !routesAnything(loaded.config))
        throw new RouterError(
          'config_invalid',
          `${loaded.source}: the new config would remove every endpoint, model and category; the running config is kept`,
        )
      runtime = await this.build(loaded)
    } catch (err) {
      this.status.reloaded({ ok: false, error: err })
      const error = toRouterError(err)
      this.metrics.configReloads.inc({ result: 'failure' })
      logEvent(
        this.log,
        'config_reload_failed',
        {
          source: this.live.current().loaded.source,
          code: error.code,
          error: error.message,
          issues: isRouterError(err) && Array.isArray(err.details) ? err.details : [],
          kept_hash: this.live.current().loaded.hash,
        },
        'error',
      )
      return { ok: false, error: error.message }
    }
    const previous = this.live.current().loaded
    const restart = restartOnlyChanges(previous.config.server, loaded.config.server)
    this.live.swap(runtime)
    this.status.activated(loaded)
    this.status.reloaded({ ok: true, changed: true, hash: loaded.hash })
    this.metrics.configReloads.inc({ result: 'success' })
    this.metrics.configLastReloadSuccess.setToCurrentTime()
    logEvent(this.log, 'config_reloaded', {
      source: loaded.source,
      hash: loaded.hash,
      previous_hash: previous.hash,
      warnings: loaded.warnings.length,
      categories: loaded.config.categories.length,
    })
    if (restart.length > 0)
      logEvent(
        this.log,
        'config_restart_required',
        { keys: restart, note: 'listener settings apply at the next start' },
        'warn',
      )
    return { ok: true, changed: true }
  }
}

/** `server.*` keys that only take effect when the process restarts. */
function restartOnlyChanges(running: ServerConfig, next: ServerConfig): string[] {
  const keys = ['host', 'gateway_port', 'api_port', 'metrics_port', 'extproc_port'] as const
  return keys.filter((k) => running[k] !== next[k]).map((k) => `server.${k}`)
}
