/**
 * Message codecs for the gRPC server (src/extproc/grpc), on protobufjs directly. Requests are
 * decoded to message instances (fields read like plain objects, unset scalars read their proto3
 * defaults) and replies are encoded straight from the plain objects in wire.ts; a generic
 * object-conversion layer (proto-loader's fromObject/toObject) would cost more than the rest of
 * a stream's protocol handling. The golden-bytes test pins the result to Envoy's encoding.
 */
import protobuf from 'protobufjs'
import { join } from 'node:path'
import type { MessageCodec } from './grpc/index.js'
import { EXT_PROC_SERVICE, HEALTH_SERVICE, PROTO_DIR } from './proto.js'
import type { ProcessingRequest, ProcessingResponse } from './wire.js'

export const PROCESS_PATH = `/${EXT_PROC_SERVICE}/Process`
export const HEALTH_CHECK_PATH = `/${HEALTH_SERVICE}/Check`
export const HEALTH_WATCH_PATH = `/${HEALTH_SERVICE}/Watch`

export interface HealthCheckRequest {
  service: string
}
export interface HealthCheckResponse {
  status: number
}

let root: protobuf.Root | undefined

function loadRoot(): protobuf.Root {
  if (root) return root
  root = new protobuf.Root()
  // Imports resolve against proto/; google/protobuf/* are protobufjs's bundled well-known types.
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target)
  root.loadSync(
    ['envoy/service/ext_proc/v3/external_processor.proto', 'grpc/health/v1/health.proto'],
    { keepCase: true },
  )
  root.resolveAll()
  return root
}

function codecOf<Req, Res>(requestType: string, responseType: string): MessageCodec<Req, Res> {
  const Request = loadRoot().lookupType(requestType)
  const Response = loadRoot().lookupType(responseType)
  return {
    decode: (bytes) => Request.decode(bytes) as unknown as Req,
    encode: (message) => Response.encode(message as protobuf.Message).finish(),
  }
}

let processInstance: MessageCodec<ProcessingRequest, ProcessingResponse> | undefined
let healthInstance: MessageCodec<HealthCheckRequest, HealthCheckResponse> | undefined

/** ProcessingRequest in, ProcessingResponse out. */
export function processCodec(): MessageCodec<ProcessingRequest, ProcessingResponse> {
  processInstance ??= codecOf(
    'envoy.service.ext_proc.v3.ProcessingRequest',
    'envoy.service.ext_proc.v3.ProcessingResponse',
  )
  return processInstance
}

/** HealthCheckRequest in, HealthCheckResponse out (Check and Watch). */
export function healthCodec(): MessageCodec<HealthCheckRequest, HealthCheckResponse> {
  healthInstance ??= codecOf(
    'grpc.health.v1.HealthCheckRequest',
    'grpc.health.v1.HealthCheckResponse',
  )
  return healthInstance
}
