/**
 * What the console's event stream (`GET /ui/api/stream`, Server-Sent Events) and its JSON
 * endpoints send. The front end (ui/js) is type-checked against these types.
 *
 * Stream events: `hello` once on connect (everything needed to draw every view), then `decisions`
 * (new finished requests, at most `max_events_per_update` per update), `flow` (the window's
 * totals, when they changed), `models` (the models and endpoints tables, every 2 s) and `config`
 * (when the active config or the last reload result changed).
 */
import type { DecisionEvent } from '../runtime/events.js'

export interface FlowPath {
  /** Decision (`decision: name`), category, `(no category)` or `(model named by client)`. */
  readonly source: string
  /** Selected model; '' when the router answered itself. */
  readonly model: string
  /** Endpoint name; '' when nothing was forwarded. */
  readonly endpoint: string
  readonly outcome:
    'forwarded' | 'jailbreak_block' | 'pii_block' | 'cache_hit' | 'fast_response' | 'error'
  readonly count: number
  /** Of `count`, requests that failed (status ≥ 400 or an error). */
  readonly errors: number
}

export interface FlowFrame {
  /** Start of the oldest traffic counted (ms since the epoch). */
  readonly since: number
  readonly windowMinutes: number
  readonly total: number
  readonly paths: readonly FlowPath[]
}

export interface DecisionsFrame {
  readonly events: readonly DecisionEvent[]
  /** Finished requests in this update that were not sent (more than the per-update cap). */
  readonly omitted: number
}

export type ColumnFormat = 'int' | 'number' | 'ms' | 'pct' | 'money' | 'rate' | 'text' | 'health'

/** One column of a status table; the front end renders any column it is given. */
export interface StatusColumn {
  readonly key: string
  readonly label: string
  readonly format: ColumnFormat
  /** Tooltip: where the figure comes from. */
  readonly title?: string
}

export type StatusRow = Readonly<Record<string, string | number | null>>

export interface StatusTable {
  readonly columns: readonly StatusColumn[]
  readonly rows: readonly StatusRow[]
}

export interface ModelsFrame {
  readonly at: number
  readonly models: StatusTable
  readonly endpoints: StatusTable
}

export interface ConfigProblem {
  readonly severity: 'error' | 'warning'
  readonly path: string
  readonly message: string
  readonly line?: number
}

export interface ReloadStatus {
  readonly at: number
  readonly ok: boolean
  /** True when the file changed and the new config is now serving. */
  readonly changed: boolean
  readonly hash?: string
  readonly error?: string
  readonly problems: readonly ConfigProblem[]
}

export interface ConfigSummary {
  readonly hash: string
  readonly source: string
  /** When the active config started serving (ms since the epoch). */
  readonly activeSince: number
  readonly lastReload?: ReloadStatus
  /** Warnings the active config loaded with. */
  readonly warnings: readonly ConfigProblem[]
}

export interface HelloFrame {
  readonly version: string
  readonly settings: {
    readonly showPrompts: boolean
    readonly windowMinutes: number
    readonly recentLimit: number
  }
  readonly flow: FlowFrame
  readonly decisions: readonly DecisionEvent[]
  readonly models: ModelsFrame
  readonly config: ConfigSummary
}

export interface StreamFrames {
  readonly hello: HelloFrame
  readonly decisions: DecisionsFrame
  readonly flow: FlowFrame
  readonly models: ModelsFrame
  readonly config: ConfigSummary
}

/** `GET /ui/api/config`: the active config with secrets redacted. */
export interface ConfigView extends ConfigSummary {
  /** The effective config (defaults filled in) as YAML, secrets redacted. */
  readonly effective: string
  /** The file as written (comments kept), secrets redacted; absent for in-memory configs. */
  readonly file?: string
}

/** `POST /ui/api/playground`: what the router would do with a prompt (nothing is sent). */
export interface PlaygroundResult {
  /** Exactly what `semantic-router classify` prints for the same text and config. */
  readonly decision: Readonly<Record<string, unknown>>
  /** The category model's distribution over configured categories, highest first. */
  readonly probabilities: readonly { readonly category: string; readonly probability: number }[]
  readonly explanation: DecisionEvent
  readonly guards: {
    readonly jailbreak: {
      readonly enabled: boolean
      readonly isJailbreak: boolean
      readonly label: string
      readonly confidence: number
      readonly threshold: number
      readonly detector: string
    } | null
    readonly pii: {
      readonly enabled: boolean
      readonly entities: readonly {
        readonly type: string
        readonly confidence: number
        readonly start: number
        readonly end: number
      }[]
      readonly deniedBySelectedModel: readonly string[]
    } | null
  }
  readonly processingMs: number
}
