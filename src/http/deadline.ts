/**
 * Time budgets for work done on behalf of a request. Every listener bounds its processing the same
 * way: the work races a timer (or an abort signal) and loses with `processing_timeout` (504); the
 * caller's `onExpire` aborts whatever the work is still doing.
 */
import { RouterError } from '../errors.js'

export function processingTimeout(ms: number): RouterError {
  return new RouterError('processing_timeout', `Processing exceeded ${ms} ms`)
}

/**
 * `work`, or a `processing_timeout` rejection once `ms` have passed (calling `onExpire` first).
 * The timer is cleared as soon as the work settles.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onExpire?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onExpire?.()
      reject(processingTimeout(ms))
    }, ms)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err instanceof Error ? err : new Error(String(err)))
      },
    )
  })
}

/**
 * `work`, or a `processing_timeout` rejection when `signal` aborts first (the listener aborts it when
 * the budget runs out or the client leaves).
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  budgetMs: number,
): Promise<T> {
  if (signal.aborted) return Promise.reject(processingTimeout(budgetMs))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(processingTimeout(budgetMs))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err instanceof Error ? err : new Error(String(err)))
      },
    )
  })
}
