/**
 * The `grpc-timeout` request header: up to 8 ASCII digits and a unit (H hours, M minutes,
 * S seconds, m milliseconds, u microseconds, n nanoseconds).
 */
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 }

/** Milliseconds, or undefined when the header is absent or malformed (no deadline). */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^(\d{1,8})([HMSmun])$/.exec(value)
  if (!match) return undefined
  return Number(match[1]) * UNIT_MS[match[2]!]!
}
