/**
 * What transports hold on to: a Runtime is everything built from one config (services, the
 * classifier chain, the modules, the pipeline), and a RuntimeSource hands out the current one.
 * Hot reload builds a new Runtime (src/assembly) and swaps it in; a request leases the runtime it
 * started with and keeps it to the end. These are contracts only; the assembler builds them.
 */
import type { LoadedConfig } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { RuntimeServices } from '../runtime/services.js'
import type { Pipeline } from './pipeline.js'

export interface Runtime {
  readonly loaded: LoadedConfig
  readonly config: RouterConfig
  readonly services: RuntimeServices
  readonly pipeline: Pipeline
  /** Release classifiers, modules and services. Idempotent. */
  close(): Promise<void>
}

export interface Lease<R> {
  readonly runtime: R
  /** Idempotent. */
  release(): void
}

/** Where transports get the runtime for one request. */
export interface RuntimeSource<R> {
  acquire(): Lease<R>
  /** The current runtime, for reads that need no lease (status pages). */
  current(): R
}
