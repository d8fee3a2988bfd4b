/**
 * Composition root: config → runtime → listeners, and hot reload.
 *
 * Start-up order is chosen for probes: the metrics and classification API listeners come up first
 * (so `/health` answers and `/ready` says 503 while models load), then the runtime is built, then
 * the traffic listeners (gateway, ext_proc) open and `/ready` turns 200. A config file given by path
 * is watched; a new file that fails to load or build keeps the last good runtime running.
 */
import { dirname, resolve } from 'node:path'
import type { LoadedConfig } from '../config/load.js'
import type { ServerConfig } from '../config/schema/index.js'
import { ConfigWatcher } from '../config/watch.js'
import { ApiServer } from '../api/server.js'
import { Gateway } from '../gateway/server.js'
import type { Listening } from '../http/listen.js'
import { createLogger, logEvent, type Logger } from '../log.js'
import { RouterMetrics } from '../metrics/router-metrics.js'
import { MetricsServer } from '../metrics/server.js'
import type { Runtime, RuntimeSource } from '../pipeline/runtime.js'
import { buildRuntime } from './build-runtime.js'
import { createConsole } from '../console/console.js'
import { resilienceSource, selectionSource } from '../console/live-sources.js'
import { LiveRuntime } from './live-runtime.js'
import { Reloader, type ReloadResult } from './reloader.js'
import { loadRouterConfig, parseRouterConfig } from './load-config.js'
import { BUILTIN_PLUGINS, type RouterPlugins } from './plugins.js'
import { RouterState } from '../runtime/state.js'
import type { ModelRegistry } from '../ml/registry.js'

/**
 * Slot for the Envoy ext_proc listener (src/extproc). It receives the same runtime source as the
 * gateway, so both transports always run the same pipeline and reload together.
 */
export interface ExtprocListener {
  readonly listening: Listening
  close(graceMs: number): Promise<void>
}
export type ExtprocStarter = (args: {
  readonly runtimes: RuntimeSource<Runtime>
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly host: string
  readonly port: number
  readonly tls?: { readonly enabled: boolean; readonly certPath: string }
}) => Promise<ExtprocListener>
/** Loaded only when ext_proc is enabled: gRPC and the Envoy protos cost ~20 MB of memory. */
const EXTPROC: ExtprocStarter = async (args) =>
  (await import('../extproc/listener.js')).startExtProcListener(args)

export interface ListenOverrides {
  host?: string
  gatewayPort?: number
  apiPort?: number
  metricsPort?: number
  extprocPort?: number
  enableGateway?: boolean
  enableApi?: boolean
  enableMetrics?: boolean
  enableExtproc?: boolean
  /** ext_proc TLS from upstream's `--secure` / `--cert-path` flags (overrides `extproc.tls`). */
  extprocTls?: { readonly enabled: boolean; readonly certPath: string }
}

export interface RouterAppOptions {
  /** Config file; watched for changes unless `watch` is false. */
  configPath?: string
  /** The config already loaded (from configPath, or in memory when there is no file). */
  loaded?: LoadedConfig
  watch?: boolean
  /** Command-line overrides of the `server` section. */
  listen?: ListenOverrides
  log?: Logger
  metrics?: RouterMetrics
  /** Quiet time after a file change before reloading (default 250 ms). */
  reloadDebounceMs?: number
  /** Ext_proc listener implementation (defaults to src/extproc when present). */
  extproc?: ExtprocStarter
  /** Plug-in registries (default: the built-in ones); used to check and build every config. */
  plugins?: RouterPlugins
  /**
   * Models loaded (and closed) by another owner, for processes that start many apps (tests).
   * Default: the app's state owner loads and closes its own.
   */
  models?: ModelRegistry
}

export type { ReloadResult }

export interface RouterApp {
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly gateway: Listening | undefined
  readonly api: Listening | undefined
  readonly metricsServer: Listening | undefined
  readonly extproc: Listening | undefined
  /** The runtime serving new requests. */
  runtime(): Runtime
  /** Re-read the config file now (what the watcher does on change). */
  reload(): Promise<ReloadResult>
  /** Graceful stop: refuse new work, let requests finish within `server.shutdown_grace_ms`. */
  close(): Promise<void>
}

/** Effective listener settings: config `server` section with command-line overrides applied. */
export function listenerSettings(server: ServerConfig, o: ListenOverrides = {}): ServerConfig {
  return {
    ...server,
    host: o.host ?? server.host,
    gateway_port: o.gatewayPort ?? server.gateway_port,
    api_port: o.apiPort ?? server.api_port,
    metrics_port: o.metricsPort ?? server.metrics_port,
    extproc_port: o.extprocPort ?? server.extproc_port,
    enable_gateway: o.enableGateway ?? server.enable_gateway,
    enable_api: o.enableApi ?? server.enable_api,
    enable_metrics: o.enableMetrics ?? server.enable_metrics,
    enable_extproc: o.enableExtproc ?? server.enable_extproc,
  }
}

export async function createRouterApp(options: RouterAppOptions): Promise<RouterApp> {
  const log = options.log ?? createLogger()
  const metrics = options.metrics ?? new RouterMetrics({ processMetrics: true })
  const plugins = options.plugins ?? BUILTIN_PLUGINS
  const loaded =
    options.loaded ?? (await loadRouterConfig(requirePath(options.configPath), plugins))
  // Outlives every runtime this app builds (cache stores, slots); closed last.
  const state = new RouterState({
    ...(options.models ? { models: options.models } : {}),
    // Relative keys / token files sit beside the config file, like model paths.
    ...(options.configPath === undefined
      ? {}
      : { configDir: dirname(resolve(options.configPath)) }),
  })
  const endpointStats = state.endpointStats
  metrics.watchRequestBytes(() => state.requestBytes.bytes)
  metrics.endpoints.watch(() => endpointStats.snapshot())
  endpointStats.onLatency = (endpoint, seconds) =>
    metrics.endpoints.latency.observe({ endpoint }, seconds)
  const build = (next: LoadedConfig) => buildRuntime(next, { log, metrics, state, plugins })
  for (const w of loaded.warnings)
    logEvent(
      log,
      'config_warning',
      { source: loaded.source, path: w.path, warning: w.message },
      'warn',
    )
  metrics.configLastReloadSuccess.setToCurrentTime()
  const settings = listenerSettings(loaded.config.server, options.listen)
  const closers: (() => Promise<void>)[] = [() => state.close()]
  const routerConsole = createConsole({
    loaded,
    events: state.events,
    metrics,
    config: () => live?.current().config,
    // Ejections from outlier detection; what the model selectors measure and learn.
    statusSources: [
      resilienceSource(state.endpointStats),
      selectionSource(() => live?.current().pipeline.selection.live),
    ],
    buildPreview: (source, services) =>
      buildRuntime(source.loaded, {
        log: services.log,
        metrics: services.metrics,
        services,
        plugins,
      }),
  })
  /**
   * The traffic listeners (gateway, ext_proc) drain together, first, while the API still answers
   * (its /ready says 503 from the start of the shutdown); then the rest closes in reverse order.
   */
  const drains: (() => Promise<void>)[] = []
  let stopping = false
  const closeAll = async (): Promise<void> => {
    stopping = true
    await Promise.all(drains.splice(0).map((drain) => drain().catch(() => undefined)))
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined)
  }

  let live: LiveRuntime<Runtime> | undefined
  const listening: Record<'gateway' | 'api' | 'metrics' | 'extproc', Listening | undefined> = {
    gateway: undefined,
    api: undefined,
    metrics: undefined,
    extproc: undefined,
  }
  try {
    const current = () => live?.current().config ?? loaded.config
    const secretError = (err: Error) =>
      logEvent(log, 'api_keys_unreadable', { error: err.message }, 'error')
    if (settings.enable_metrics) {
      const server = new MetricsServer(metrics, log, () => {
        const auth = current().security.auth
        if (auth.metrics_token_file === '') return undefined
        // A token file that never loaded leaves scrapes refused, not open.
        return (
          state.tokenFile(auth.metrics_token_file, auth.reload_interval_ms, secretError).value ?? ''
        )
      })
      listening.metrics = await server.listen(settings.metrics_port, settings.host)
      closers.push(() => server.close())
    }
    if (settings.enable_api) {
      const api = new ApiServer({
        log,
        metrics,
        runtimes: () => live,
        startupConfig: loaded.config,
        startedAt: new Date(),
        stopping: () => stopping,
        maxBodyBytes: loaded.config.server.max_body_bytes,
        keys: () => {
          const auth = current().security.auth
          return auth.enabled && auth.listeners.api
            ? state.keyRing(auth.keys_file, auth.reload_interval_ms, secretError)
            : undefined
        },
        console: routerConsole.http,
      })
      listening.api = await api.listen(settings.api_port, settings.host)
      closers.push(() => api.close())
      // Closed before the API listener, so open event streams do not hold its drain.
      closers.push(() => routerConsole.close())
    }
    const initial = await build(loaded)
    live = new LiveRuntime(initial, {
      graceMs: settings.shutdown_grace_ms,
      onCloseError: (err) => logEvent(log, 'runtime_close_failed', { error: String(err) }, 'warn'),
    })
    const runtimes = live
    closers.push(() => runtimes.close(settings.shutdown_grace_ms))
    if (settings.enable_gateway) {
      const gateway = new Gateway({ runtimes, log, metrics })
      listening.gateway = await gateway.listen(settings.gateway_port, settings.host)
      drains.push(() => gateway.close(settings.shutdown_grace_ms))
    }
    const extproc = options.extproc ?? EXTPROC
    if (settings.enable_extproc && extproc) {
      const listener = await extproc({
        runtimes,
        log,
        metrics,
        host: settings.host,
        port: settings.extproc_port,
        ...(options.listen?.extprocTls ? { tls: options.listen.extprocTls } : {}),
      })
      listening.extproc = listener.listening
      drains.push(() => listener.close(settings.shutdown_grace_ms))
    }
  } catch (err) {
    await closeAll()
    throw err
  }
  const runtimes = live

  const reloader = new Reloader(runtimes, log, metrics, build, routerConsole.configStatus)
  let watcher: ConfigWatcher | undefined
  if (options.configPath !== undefined && options.watch !== false) {
    const path = options.configPath
    watcher = new ConfigWatcher(path, {
      debounceMs: options.reloadDebounceMs ?? 250,
      initialHash: loaded.hash,
      onChange: async (text) => {
        await reloader.apply(() =>
          Promise.resolve(parseRouterConfig(text, { source: path, plugins })),
        )
      },
      onError: (err) =>
        logEvent(log, 'config_watcher_error', { source: path, error: err.message }, 'warn'),
    })
    watcher.start()
    const w = watcher
    closers.push(() => {
      w.close()
      return Promise.resolve()
    })
  }

  logEvent(log, 'router_started', {
    config: loaded.source,
    gateway: listening.gateway?.url,
    api: listening.api?.url,
    metrics: listening.metrics?.url,
    extproc: listening.extproc?.url,
  })

  let closing: Promise<void> | undefined
  return {
    log,
    metrics,
    gateway: listening.gateway,
    api: listening.api,
    metricsServer: listening.metrics,
    extproc: listening.extproc,
    runtime: () => runtimes.current(),
    reload: () => {
      const path = options.configPath
      if (path === undefined)
        return Promise.resolve({ ok: false, error: 'no config file to reload from' })
      return reloader.apply(() => loadRouterConfig(path, plugins))
    },
    close: () => {
      closing ??= (async () => {
        logEvent(log, 'router_stopping', { grace_ms: settings.shutdown_grace_ms })
        await watcher?.settled()
        await closeAll()
        logEvent(log, 'router_stopped', {})
      })()
      return closing
    },
  }
}

function requirePath(path: string | undefined): string {
  if (path === undefined) throw new Error('createRouterApp needs configPath or loaded')
  return path
}
