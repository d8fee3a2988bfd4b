export { ExtProcServer, type ExtProcServerOptions } from './server.js'
export { startExtProcListener, type ExtProcListener, type ExtProcListening } from './listener.js'
export { ExtProcStream, ExtProcProtocolError } from './stream.js'
export { HealthService, HEALTH_SERVICES, ServingStatus } from './health.js'
export {
  EXT_PROC_SERVICE,
  HEALTH_SERVICE,
  PROTO_DIR,
  LOADER_OPTIONS,
  loadServices,
} from './proto.js'
export type {
  ExtProcLease,
  ExtProcPipeline,
  ExtProcResponseTracker,
  ExtProcRuntime,
  ExtProcRuntimeSource,
} from './types.js'
