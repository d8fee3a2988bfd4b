/**
 * True for a promise (or any thenable). The pipeline's module hooks may answer synchronously; only
 * a real promise is awaited, because an `await` per hook costs a microtask turn and its
 * allocations on every request.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}
