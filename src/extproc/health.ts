/**
 * The standard gRPC health service (grpc.health.v1). Envoy health checks, Kubernetes gRPC probes
 * and grpc-health-probe ask for `liveness`, `readiness`, the ext_proc service name, or '' (the
 * whole server), as the Inference Extension's endpoint picker does.
 */
import {
  GrpcError,
  GrpcStatus,
  serverStreamingMethod,
  unaryMethod,
  type MethodDefinition,
  type ServerCall,
} from './grpc/index.js'
import {
  healthCodec,
  HEALTH_CHECK_PATH,
  HEALTH_WATCH_PATH,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from './codec.js'
import { EXT_PROC_SERVICE } from './proto.js'

export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const

export const HEALTH_SERVICES = ['', 'liveness', 'readiness', EXT_PROC_SERVICE] as const

type WatchCall = ServerCall<HealthCheckRequest, HealthCheckResponse>

export class HealthService {
  private readonly statuses = new Map<string, number>()
  private readonly watchers = new Set<{ service: string; call: WatchCall }>()

  constructor() {
    for (const service of HEALTH_SERVICES) this.statuses.set(service, ServingStatus.NOT_SERVING)
    this.statuses.set('liveness', ServingStatus.SERVING)
  }

  set(service: string, status: number): void {
    if (this.statuses.get(service) === status) return
    this.statuses.set(service, status)
    for (const watcher of this.watchers)
      if (watcher.service === service) watcher.call.write({ status })
  }

  /** Ready to process: readiness, the ext_proc service and the overall status become SERVING. */
  setReady(ready: boolean): void {
    const status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING
    for (const service of ['', 'readiness', EXT_PROC_SERVICE]) this.set(service, status)
  }

  status(service: string): number | undefined {
    return this.statuses.get(service)
  }

  /** End every Watch stream (they would otherwise hold a graceful shutdown open forever). */
  endWatches(): void {
    for (const watcher of this.watchers) watcher.call.end()
    this.watchers.clear()
  }

  /** Check and Watch, for the gRPC server. */
  methods(): MethodDefinition<HealthCheckRequest, HealthCheckResponse>[] {
    const codec = healthCodec()
    return [
      unaryMethod(HEALTH_CHECK_PATH, codec, (request) => {
        const status = this.statuses.get(request.service)
        if (status === undefined) throw new GrpcError(GrpcStatus.NOT_FOUND, 'unknown service')
        return { status }
      }),
      // Unknown services are watched too (they may appear later): SERVICE_UNKNOWN, not an error.
      serverStreamingMethod(HEALTH_WATCH_PATH, codec, (request, call) => {
        const watcher = { service: request.service, call }
        this.watchers.add(watcher)
        call.onCancel = () => this.watchers.delete(watcher)
        call.write({ status: this.statuses.get(request.service) ?? ServingStatus.SERVICE_UNKNOWN })
      }),
    ]
  }
}
