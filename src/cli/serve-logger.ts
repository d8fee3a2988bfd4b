/**
 * The logger `serve` writes to standard output. Lines are buffered and written in batches (at 4 KB,
 * or every 200 ms at the latest) instead of one write(2) per line: under load a synchronous write
 * per request was about a tenth of the router's CPU time (system calls are expensive in VMs). What
 * is buffered is flushed on shutdown and on process exit; a hard kill can lose the last 200 ms.
 * SR_LOG_SYNC=1 restores one synchronous write per line.
 */
import { pino } from 'pino'
import { createLogger, type Logger } from '../log.js'

export interface ServeLogger {
  readonly log: Logger
  /** Write out everything buffered (synchronously). */
  readonly flush: () => void
}

const FLUSH_INTERVAL_MS = 200

export function createServeLogger(): ServeLogger {
  if (process.env['SR_LOG_SYNC'] === '1') return { log: createLogger(), flush: () => undefined }
  // Synchronous writes of whole batches: async mode would hand every write to libuv's thread pool
  // and wake the event loop for each completion, which costs more than it saves.
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: 4096,
    periodicFlush: FLUSH_INTERVAL_MS,
  })
  const flush = (): void => {
    try {
      destination.flushSync()
    } catch {
      // Nothing buffered, or stdout is gone; nothing more we can do.
    }
  }
  process.once('exit', flush)
  return { log: createLogger({ destination }), flush }
}
