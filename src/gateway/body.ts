/**
 * Read a request body into one Buffer with a hard size limit. A declared Content-Length over the
 * limit is refused before reading a byte; a chunked body is cut off as soon as it crosses it.
 */
import type { IncomingMessage } from 'node:http'
import { RouterError } from '../errors.js'

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  const expected = declared === undefined ? -1 : Number(declared)
  if (expected > limit) {
    return Promise.reject(tooLarge(limit))
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        // Stop reading; the caller answers 413 and closes the connection.
        req.pause()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const onAborted = (): void => {
      cleanup()
      reject(new RouterError('invalid_request', 'client closed the connection mid-body'))
    }
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

function tooLarge(limit: number): RouterError {
  return new RouterError('body_too_large', `Request body exceeds the limit of ${limit} bytes`)
}
