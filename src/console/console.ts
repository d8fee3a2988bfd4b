/**
 * The console's parts, put together for the composition root: the live hub (fed by the router's
 * per-request events), the playground (a preview runtime), the config status and the HTTP surface
 * the API listener mounts at `/ui/`.
 */
import { createRequire } from 'node:module'
import type { LoadedConfig } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RouterEvents } from '../runtime/events.js'
import { loadAssets } from './assets.js'
import { ConfigStatus } from './config-status.js'
import { ConsoleHub } from './hub.js'
import { ConsoleHttp } from './http.js'
import { Playground, type PreviewBuilder } from './playground.js'
import type { StatusSource } from './status-tables.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

export interface ConsoleOptions {
  readonly loaded: LoadedConfig
  readonly events: RouterEvents
  readonly metrics: RouterMetrics
  /** The config serving now (undefined until the first runtime is built). */
  readonly config: () => RouterConfig | undefined
  readonly buildPreview: PreviewBuilder
  readonly statusSources?: readonly StatusSource[]
}

export interface RouterConsole {
  readonly http: ConsoleHttp
  readonly hub: ConsoleHub
  readonly configStatus: ConfigStatus
  close(): Promise<void>
}

export function createConsole(options: ConsoleOptions): RouterConsole {
  const configStatus = new ConfigStatus(options.loaded)
  const hub = new ConsoleHub({
    events: options.events,
    metrics: options.metrics,
    config: options.config,
    startupSettings: options.loaded.config.console,
    configSummary: () => configStatus.summary(),
    version,
    ...(options.statusSources ? { statusSources: options.statusSources } : {}),
  })
  const playground = new Playground(options.buildPreview)
  const http = new ConsoleHttp({
    hub,
    playground,
    configStatus,
    assets: loadAssets(),
    enabled: () => (options.config() ?? options.loaded.config).console.enabled,
  })
  return {
    http,
    hub,
    configStatus,
    close: async () => {
      hub.close()
      await playground.close()
    },
  }
}
