/**
 * gRPC status codes and the status a call ends with. A handler throws GrpcError to end its call
 * with a specific code; `grpc-message` travels percent-encoded in the trailers.
 */

/** The canonical gRPC status codes (numbers as on the wire). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const

export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus]

export class GrpcError extends Error {
  override readonly name = 'GrpcError'
  constructor(
    readonly code: GrpcStatusCode,
    message: string,
  ) {
    super(message)
  }
}

/**
 * `grpc-message` encoding: bytes outside printable ASCII (0x20-0x7E) and '%' itself become
 * %XX of the UTF-8 bytes, so any text survives an HTTP/2 header value.
 */
export function encodeGrpcMessage(message: string): string {
  let plain = true
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false
      break
    }
  }
  if (plain) return message
  let out = ''
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte < 0x20 || byte > 0x7e || byte === 0x25
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte)
  }
  return out
}
