/** The ext_proc settings one stream uses, read once from the config the stream started with. */
import type { RouterConfig } from '../config/schema/index.js'

/** The header name of the Gateway API Inference Extension endpoint-picker protocol. */
export const INFERENCE_EXTENSION_HEADER = 'x-gateway-destination-endpoint'
/** Dynamic-metadata namespace the Inference Extension protocol and ORIGINAL_DST read. */
export const ENVOY_LB_NAMESPACE = 'envoy.lb'
export const SELECTED_MODEL_HEADER = 'x-selected-model'

export interface StreamSettings {
  /** '' disables the destination header (e.g. when an endpoint picker chooses the pod). */
  readonly destinationHeader: string
  readonly inferenceExtension: boolean
  readonly failureMode: 'open' | 'closed'
  readonly messageTimeoutMs: number
  readonly maxBodyBytes: number
  readonly clearRouteCache: boolean
  /** Request headers a client must never be able to set (removed in the request-headers reply). */
  readonly routingHeaders: readonly string[]
}

export function streamSettings(config: RouterConfig): StreamSettings {
  const destinationHeader = config.extproc.destination_header.toLowerCase()
  const routingHeaders = new Set([SELECTED_MODEL_HEADER, INFERENCE_EXTENSION_HEADER])
  if (destinationHeader !== '') routingHeaders.add(destinationHeader)
  return {
    destinationHeader,
    inferenceExtension: config.extproc.inference_extension,
    failureMode: config.extproc.failure_mode,
    messageTimeoutMs: config.extproc.message_timeout_ms,
    maxBodyBytes: config.server.max_body_bytes,
    clearRouteCache: config.clear_route_cache,
    routingHeaders: [...routingHeaders],
  }
}
