/**
 * A read-only contract type with its fields writable: for hot-path code that builds such an object
 * field by field (optional fields set only when present) instead of spreading a temporary object
 * per optional field.
 */
export type Writable<T> = { -readonly [K in keyof T]: T[K] }
