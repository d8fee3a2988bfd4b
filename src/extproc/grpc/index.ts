export { GrpcServer, type GrpcServerOptions } from './server.js'
export { ServerCall, type MessageCodec, type CallLimits } from './call.js'
export {
  bidiStreamingMethod,
  serverStreamingMethod,
  unaryMethod,
  type MethodDefinition,
} from './methods.js'
export { GrpcError, GrpcStatus, encodeGrpcMessage, type GrpcStatusCode } from './status.js'
export { frameMessage, MessageDecoder } from './framing.js'
