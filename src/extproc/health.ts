/**
 * The standard gRPC health service (grpc.health.v1). Envoy health checks, Kubernetes gRPC probes
 * and grpc-health-probe ask for `liveness`, `readiness`, the ext_proc service name, or '' (the
 * whole server), as the Inference Extension's endpoint picker does.
 */
import {
  status as GrpcStatus,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { EXT_PROC_SERVICE } from './proto.js'

export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const

interface HealthRequest {
  service?: string
}
interface HealthResponse {
  status: number
}

export const HEALTH_SERVICES = ['', 'liveness', 'readiness', EXT_PROC_SERVICE] as const

export class HealthService {
  private readonly statuses = new Map<string, number>()
  private readonly watchers = new Set<{
    service: string
    call: ServerWritableStream<HealthRequest, HealthResponse>
  }>()

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

  implementation(): UntypedServiceImplementation {
    return {
      Check: (
        call: ServerUnaryCall<HealthRequest, HealthResponse>,
        callback: sendUnaryData<HealthResponse>,
      ) => {
        const status = this.statuses.get(call.request.service ?? '')
        if (status === undefined)
          callback({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' })
        else callback(null, { status })
      },
      Watch: (call: ServerWritableStream<HealthRequest, HealthResponse>) => {
        const service = call.request.service ?? ''
        const watcher = { service, call }
        this.watchers.add(watcher)
        call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN })
        call.on('cancelled', () => this.watchers.delete(watcher))
      },
    }
  }
}
