/** The ext_proc settings one stream uses, read once from the config the stream started with. */
import type { RouterConfig } from '../config/schema/index.js'

/** Dynamic-metadata namespace the Inference Extension protocol and ORIGINAL_DST read. */
export const ENVOY_LB_NAMESPACE = 'envoy.lb'

export interface StreamSettings {
  /** '' disables the destination header (e.g. when an endpoint picker chooses the pod). */
  readonly destinationHeader: string
  readonly inferenceExtension: boolean
  readonly failureMode: 'open' | 'closed'
  readonly clearRouteCache: boolean
  /** `extproc.envoy_retry` when enabled: retry headers for Envoy on every forwarded request. */
  readonly envoyRetry: RouterConfig['extproc']['envoy_retry']
}

export function streamSettings(config: RouterConfig): StreamSettings {
  return {
    destinationHeader: config.extproc.destination_header.toLowerCase(),
    inferenceExtension: config.extproc.inference_extension,
    failureMode: config.extproc.failure_mode,
    clearRouteCache: config.clear_route_cache,
    envoyRetry: config.extproc.envoy_retry?.enabled ? config.extproc.envoy_retry : undefined,
  }
}
