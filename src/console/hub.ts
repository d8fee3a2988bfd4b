/**
 * The console's live side: it listens to the router's per-request events only while at least one
 * console is open (plus `linger_seconds`), keeps bounded recent state (the flow window, the last
 * finished requests, per model/endpoint traffic), and sends it to every open console over
 * Server-Sent Events in periodic updates serialised once for all of them.
 *
 * With no console open it holds no subscription, no timer and no state: requests pay one boolean
 * check (RouterEvents.active) and nothing else.
 */
import type { ServerResponse } from 'node:http'
import type { ConsoleConfig } from '../config/schema/console.js'
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { DecisionEvent, RouterEvent, RouterEvents } from '../runtime/events.js'
import { FlowWindow } from './flow-window.js'
import type {
  ConfigSummary,
  DecisionsFrame,
  FlowFrame,
  HelloFrame,
  ModelsFrame,
  StreamFrames,
} from './frames.js'
import { RecentDecisions } from './recent.js'
import {
  buildStatusTables,
  configSource,
  lifetimeSource,
  trafficSource,
  type StatusSource,
  type TableContext,
} from './status-tables.js'
import { SSE_PING, sseFrame, Subscriber, type DropReason } from './subscriber.js'
import { TrafficStats } from './traffic-stats.js'

const MODELS_EVERY_MS = 2_000
const PING_EVERY_MS = 15_000
/** Finished requests the `hello` frame carries. */
const HELLO_DECISIONS = 200

export interface ConsoleHubOptions {
  readonly events: RouterEvents
  readonly metrics: RouterMetrics
  /** The config serving now (undefined while the router starts). */
  readonly config: () => RouterConfig | undefined
  /** The startup settings, used until a runtime exists. */
  readonly startupSettings: ConsoleConfig
  readonly configSummary: () => ConfigSummary
  readonly version: string
  /** More columns for the models and endpoints tables (resilience, selection scores, ...). */
  readonly statusSources?: readonly StatusSource[]
  readonly now?: () => number
}

export interface HubStats {
  readonly subscribers: number
  readonly listening: boolean
  readonly dropped: Readonly<Record<DropReason, number>>
}

export class ConsoleHub {
  private readonly options: ConsoleHubOptions
  private readonly now: () => number
  private readonly subscribers = new Set<Subscriber>()
  private readonly traffic = new TrafficStats()
  private readonly sources: readonly StatusSource[]
  private recent: RecentDecisions
  private flow: FlowWindow
  private windowMinutes: number
  private unsubscribe: (() => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private lingerTimer: NodeJS.Timeout | undefined
  private pending: DecisionEvent[] = []
  private omitted = 0
  private flowDirty = false
  private lastModelsAt = 0
  private lastPingAt = 0
  private modelsBuilding = false
  private lastConfigKey = ''
  private closed = false
  private readonly dropped: Record<DropReason, number> = {
    slow: 0,
    closed: 0,
    shutdown: 0,
    disabled: 0,
  }

  constructor(options: ConsoleHubOptions) {
    this.options = options
    this.now = options.now ?? Date.now
    const s = options.startupSettings
    this.windowMinutes = s.flow_window_minutes
    this.flow = new FlowWindow(this.windowMinutes)
    this.recent = new RecentDecisions(s.recent_decisions)
    this.sources = [
      configSource(() => this.options.config()),
      trafficSource(() => this.tableContext()),
      lifetimeSource(options.metrics),
      ...(options.statusSources ?? []),
    ]
  }

  /** The console settings in force (the current config's, else the startup ones). */
  settings(): ConsoleConfig {
    return this.options.config()?.console ?? this.options.startupSettings
  }

  stats(): HubStats {
    return {
      subscribers: this.subscribers.size,
      listening: this.unsubscribe !== undefined,
      dropped: { ...this.dropped },
    }
  }

  /** Turn an HTTP response into an event stream. Throws `console_busy` past the cap. */
  async attach(res: ServerResponse): Promise<void> {
    if (this.closed) throw new RouterError('not_ready', 'The router is shutting down')
    const settings = this.settings()
    if (this.subscribers.size >= settings.max_subscribers)
      throw new RouterError(
        'console_busy',
        `${settings.max_subscribers} consoles are open already (console.max_subscribers)`,
      )
    this.listen()
    const hello = await this.hello()
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    })
    res.flushHeaders()
    const subscriber = new Subscriber(res, settings.subscriber_buffer_bytes, (s, reason) =>
      this.gone(s, reason),
    )
    this.subscribers.add(subscriber)
    subscriber.send('retry: 2000\n\n')
    subscriber.send(sseFrame('hello', hello))
  }

  /** A finished request still in the recent window, by request id. */
  decision(id: string): DecisionEvent | undefined {
    return this.recent.get(id)
  }

  /** End every stream and stop listening (router shutdown). */
  close(): void {
    this.closed = true
    for (const s of [...this.subscribers]) s.end('shutdown')
    this.stopListening()
  }

  private async hello(): Promise<HelloFrame> {
    const settings = this.settings()
    return {
      version: this.options.version,
      settings: {
        showPrompts: settings.show_prompts,
        windowMinutes: this.windowMinutes,
        recentLimit: settings.recent_decisions,
      },
      flow: this.flowFrame(),
      decisions: this.recent.latest(HELLO_DECISIONS),
      models: await this.modelsFrame(),
      config: this.options.configSummary(),
    }
  }

  private listen(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    this.lingerTimer = undefined
    if (this.unsubscribe) return
    this.unsubscribe = this.options.events.subscribe((e) => this.onEvent(e))
    this.lastConfigKey = configKey(this.options.configSummary())
    this.timer = setInterval(() => this.tick(), this.settings().update_interval_ms)
    this.timer.unref()
  }

  private gone(s: Subscriber, reason: DropReason): void {
    this.subscribers.delete(s)
    this.dropped[reason]++
    if (this.subscribers.size > 0 || this.closed) return
    const linger = this.settings().linger_seconds * 1000
    if (linger === 0) return this.stopListening()
    this.lingerTimer = setTimeout(() => this.stopListening(), linger)
    this.lingerTimer.unref()
  }

  private stopListening(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    if (this.timer) clearInterval(this.timer)
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    this.timer = this.lingerTimer = undefined
    this.pending = []
    this.omitted = 0
    this.recent.clear()
    this.flow.clear()
    this.traffic.clear()
  }

  private onEvent(e: RouterEvent): void {
    if (e.type === 'started') {
      this.traffic.started(e)
      return
    }
    this.recent.add(e)
    this.flow.add(e, this.now())
    this.traffic.finished(e)
    this.flowDirty = true
    this.pending.push(e)
    const cap = this.settings().max_events_per_update
    if (this.pending.length > cap) {
      this.omitted += this.pending.length - cap
      this.pending = this.pending.slice(-cap)
    }
  }

  private tick(): void {
    const now = this.now()
    this.applySettings()
    if (this.pending.length > 0 || this.omitted > 0) {
      const frame: DecisionsFrame = { events: this.pending, omitted: this.omitted }
      this.pending = []
      this.omitted = 0
      this.broadcast('decisions', frame)
    }
    if (this.flowDirty) {
      this.flowDirty = false
      this.broadcast('flow', this.flowFrame())
    }
    const summary = this.options.configSummary()
    const key = configKey(summary)
    if (key !== this.lastConfigKey) {
      this.lastConfigKey = key
      this.broadcast('config', summary)
    }
    if (now - this.lastModelsAt >= MODELS_EVERY_MS && !this.modelsBuilding) {
      this.lastModelsAt = now
      this.modelsBuilding = true
      void this.modelsFrame()
        .then((frame) => this.broadcast('models', frame))
        .catch(() => undefined)
        .finally(() => (this.modelsBuilding = false))
    }
    if (now - this.lastPingAt >= PING_EVERY_MS) {
      this.lastPingAt = now
      this.broadcastRaw(SSE_PING)
    }
  }

  /** Follow a reload that changed the console's own settings (or turned the console off). */
  private applySettings(): void {
    const s = this.settings()
    if (!s.enabled) for (const sub of [...this.subscribers]) sub.end('disabled')
    this.recent.resize(s.recent_decisions)
    if (s.flow_window_minutes !== this.windowMinutes) {
      this.windowMinutes = s.flow_window_minutes
      this.flow = new FlowWindow(this.windowMinutes)
      this.flowDirty = true
    }
  }

  private flowFrame(): FlowFrame {
    const now = this.now()
    const paths = this.flow.snapshot(now)
    return {
      since: this.flow.since(now),
      windowMinutes: this.windowMinutes,
      total: paths.reduce((n, p) => n + p.count, 0),
      paths,
    }
  }

  private modelsFrame(): Promise<ModelsFrame> {
    return buildStatusTables(this.tableContext(), this.sources)
  }

  private tableContext(): TableContext {
    return {
      config: this.options.config(),
      traffic: this.traffic,
      now: this.now(),
      windowMs: this.windowMinutes * 60_000,
    }
  }

  private broadcast<K extends keyof StreamFrames>(event: K, data: StreamFrames[K]): void {
    if (this.subscribers.size > 0) this.broadcastRaw(sseFrame(event, data))
  }

  private broadcastRaw(frame: string): void {
    for (const s of [...this.subscribers]) s.send(frame)
  }
}

function configKey(s: ConfigSummary): string {
  return `${s.hash}|${s.lastReload?.at ?? 0}`
}
