/**
 * gRPC length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian length, then the
 * message. The decoder takes HTTP/2 DATA chunks as they arrive (a message may span many chunks,
 * or a chunk hold many messages), refuses a declared length over the limit before buffering
 * anything, and refuses compressed messages: we advertise `grpc-accept-encoding: identity` only.
 */
import { GrpcError, GrpcStatus } from './status.js'

const PREFIX_BYTES = 5
const EMPTY = Buffer.alloc(0)

/** One message with its prefix, ready to write as DATA. */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + message.length)
  out[0] = 0
  out.writeUInt32BE(message.length, 1)
  out.set(message, PREFIX_BYTES)
  return out
}

export class MessageDecoder {
  private readonly prefix = Buffer.alloc(PREFIX_BYTES)
  private prefixFill = 0
  /** The message being assembled across chunks, sized from its prefix. */
  private body: Buffer | undefined
  private bodyFill = 0

  constructor(private readonly maxMessageBytes: number) {}

  /** True while a message has started but not completed (a stream ending now is malformed). */
  get midMessage(): boolean {
    return this.prefixFill > 0 || this.body !== undefined
  }

  /** Calls `onMessage` for every message the chunk completes; throws GrpcError on bad input. */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let offset = 0
    while (offset < chunk.length) {
      if (this.body !== undefined) {
        offset += this.fillBody(chunk, offset, onMessage)
        continue
      }
      const left = chunk.length - offset
      if (this.prefixFill === 0 && left >= PREFIX_BYTES) {
        // Common case: the prefix is whole in this chunk, and usually the message too (no copy).
        const length = this.checkPrefix(chunk[offset]!, chunk.readUInt32BE(offset + 1))
        offset += PREFIX_BYTES
        if (chunk.length - offset >= length) {
          onMessage(chunk.subarray(offset, offset + length))
          offset += length
        } else this.startBody(length)
        continue
      }
      const take = Math.min(PREFIX_BYTES - this.prefixFill, left)
      chunk.copy(this.prefix, this.prefixFill, offset, offset + take)
      this.prefixFill += take
      offset += take
      if (this.prefixFill < PREFIX_BYTES) break
      this.prefixFill = 0
      const length = this.checkPrefix(this.prefix[0]!, this.prefix.readUInt32BE(1))
      if (length === 0) onMessage(EMPTY)
      else this.startBody(length)
    }
  }

  private startBody(length: number): void {
    this.body = Buffer.allocUnsafe(length)
    this.bodyFill = 0
  }

  private fillBody(chunk: Buffer, offset: number, onMessage: (message: Buffer) => void): number {
    const body = this.body!
    const take = Math.min(body.length - this.bodyFill, chunk.length - offset)
    chunk.copy(body, this.bodyFill, offset, offset + take)
    this.bodyFill += take
    if (this.bodyFill === body.length) {
      this.body = undefined
      onMessage(body)
    }
    return take
  }

  private checkPrefix(flag: number, length: number): number {
    if (flag === 1)
      throw new GrpcError(
        GrpcStatus.UNIMPLEMENTED,
        'compressed messages are not supported (grpc-accept-encoding: identity)',
      )
    if (flag !== 0)
      throw new GrpcError(GrpcStatus.INTERNAL, `invalid message flag ${flag} in gRPC framing`)
    if (length > this.maxMessageBytes)
      throw new GrpcError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        `received message larger than max (${length} vs. ${this.maxMessageBytes})`,
      )
    return length
  }
}
