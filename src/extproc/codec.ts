/**
 * The server-side codec for the Process stream, on protobufjs directly. proto-loader's generic
 * serializer converts every reply with `fromObject` and every request with `toObject`, which cost
 * more than the rest of a stream's protocol handling; here requests are decoded to message
 * instances (fields read like plain objects, unset scalars read their proto3 defaults) and replies
 * are encoded straight from the plain objects in wire.ts. The golden-bytes test pins the result to
 * Envoy's encoding.
 */
import type { ServiceDefinition } from '@grpc/grpc-js'
import protobuf from 'protobufjs'
import { join } from 'node:path'
import { PROTO_DIR } from './proto.js'
import type { ProcessingRequest, ProcessingResponse } from './wire.js'

const PROCESS_PATH = '/envoy.service.ext_proc.v3.ExternalProcessor/Process'

let definition: ServiceDefinition | undefined

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root()
  // Imports resolve against proto/; google/protobuf/* are protobufjs's bundled well-known types.
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target)
  root.loadSync('envoy/service/ext_proc/v3/external_processor.proto', { keepCase: true })
  root.resolveAll()
  return root
}

/** The ExternalProcessor service for grpc-js with the fast codec. */
export function processServiceDefinition(): ServiceDefinition {
  if (definition) return definition
  const root = loadRoot()
  const Request = root.lookupType('envoy.service.ext_proc.v3.ProcessingRequest')
  const Response = root.lookupType('envoy.service.ext_proc.v3.ProcessingResponse')
  definition = {
    Process: {
      path: PROCESS_PATH,
      requestStream: true,
      responseStream: true,
      originalName: 'process',
      requestSerialize: (message: ProcessingRequest) =>
        Buffer.from(Request.encode(message as protobuf.Message).finish()),
      requestDeserialize: (bytes: Buffer) => Request.decode(bytes),
      responseSerialize: (message: ProcessingResponse) => {
        const bytes = Response.encode(message).finish()
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      },
      responseDeserialize: (bytes: Buffer) => Response.decode(bytes),
    },
  }
  return definition
}
