/**
 * Method definitions: a `:path`, the message codec, and how a call of that shape drives its
 * handler. Bidirectional streaming hands the handler the call itself; unary and server streaming
 * collect the one request message first, as their clients send it and half-close at once.
 */
import type { MessageCodec, ServerCall } from './call.js'
import { GrpcError, GrpcStatus } from './status.js'

export interface MethodDefinition<Req = unknown, Res = unknown> {
  /** `/package.Service/Method`. */
  readonly path: string
  readonly codec: MessageCodec<Req, Res>
  /** Installs the call's callbacks; runs before the first message is read. */
  readonly start: (call: ServerCall<Req, Res>) => void
}

export function bidiStreamingMethod<Req, Res>(
  path: string,
  codec: MessageCodec<Req, Res>,
  handler: (call: ServerCall<Req, Res>) => void,
): MethodDefinition<Req, Res> {
  return { path, codec, start: handler }
}

/** Waits for exactly one request message and the half-close, then calls `ready`. */
function singleRequest<Req, Res>(call: ServerCall<Req, Res>, ready: (request: Req) => void): void {
  let request: { value: Req } | undefined
  call.onMessage = (message) => {
    if (request) call.fail(GrpcStatus.UNIMPLEMENTED, 'more than one request message')
    else request = { value: message }
  }
  call.onHalfClose = () => {
    if (request) ready(request.value)
    else call.fail(GrpcStatus.UNIMPLEMENTED, 'no request message')
  }
}

function failWith(call: ServerCall<unknown, unknown>, err: unknown): void {
  if (err instanceof GrpcError) call.fail(err.code, err.message)
  else call.fail(GrpcStatus.UNKNOWN, (err as Error).message)
}

/** A handler returning the response, or throwing GrpcError for an error status. */
export function unaryMethod<Req, Res>(
  path: string,
  codec: MessageCodec<Req, Res>,
  handler: (request: Req) => Res | Promise<Res>,
): MethodDefinition<Req, Res> {
  return {
    path,
    codec,
    start: (call) =>
      singleRequest(call, (request) => {
        Promise.resolve()
          .then(() => handler(request))
          .then(
            (response) => {
              call.write(response)
              call.end()
            },
            (err: unknown) => failWith(call as ServerCall<unknown, unknown>, err),
          )
      }),
  }
}

/** The handler writes any number of messages and ends the call when it is done. */
export function serverStreamingMethod<Req, Res>(
  path: string,
  codec: MessageCodec<Req, Res>,
  handler: (request: Req, call: ServerCall<Req, Res>) => void,
): MethodDefinition<Req, Res> {
  return {
    path,
    codec,
    start: (call) =>
      singleRequest(call, (request) => {
        try {
          handler(request, call)
        } catch (err) {
          failWith(call as ServerCall<unknown, unknown>, err)
        }
      }),
  }
}
