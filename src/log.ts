/**
 * Structured JSON logging (pino), shaped like upstream's zap output so existing log pipelines keep
 * working: `ts` (RFC 3339), `level` as a word, `msg`, plus `event` on the structured events
 * (`routing_decision`, `security_block`, `config_reloaded`, ...).
 *
 * Environment: SR_LOG_LEVEL (default info), SR_LOG_ENCODING (json | console; console is still
 * JSON, kept for compatibility).
 */
import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

export interface LoggerOptions {
  level?: string
  /** Where lines go; defaults to stdout. Tests pass a capture stream. */
  destination?: DestinationStream
  /** Static fields added to every line. */
  base?: Record<string, unknown>
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['SR_LOG_LEVEL'] ?? 'info'
  const pinoOptions = {
    level,
    messageKey: 'msg',
    base: options.base ?? {},
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions)
}

/** A logger that drops everything (for library use and benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/**
 * Emit one structured event. The event name is both `event` and `msg`, so `grep routing_decision`
 * and `jq 'select(.event=="routing_decision")'` both work.
 */
export function logEvent(
  log: Logger,
  event: string,
  fields: Record<string, unknown>,
  level: 'info' | 'warn' | 'error' | 'debug' = 'info',
): void {
  log[level]({ event, ...fields }, event)
}

/**
 * logEvent for a per-request line whose caller builds the fields with `event` first itself: the
 * same line, without copying every field into a new object (the `routing_decision` line).
 */
export function logBuiltEvent(log: Logger, fields: { readonly event: string }): void {
  log.info(fields, fields.event)
}
