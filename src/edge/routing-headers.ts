/**
 * Routing headers: request headers that steer where a request goes, which only the router may set.
 * A client's values are never trusted on either transport — they are removed before the pipeline
 * sees the request and before anything is forwarded.
 */

import { PREFERENCE_HEADER } from '../routing/selection/preference.js'

/** The model the router chose (Envoy routes on it; ours to set). */
export const SELECTED_MODEL_HEADER = 'x-selected-model'
/** The Gateway API Inference Extension endpoint-picker header. */
export const INFERENCE_EXTENSION_HEADER = 'x-gateway-destination-endpoint'
/** Every header starting with this is the router's own (tracking, decisions, destination). */
export const ROUTER_HEADER_PREFIX = 'x-vsr-'
/**
 * Upstream's request flag for the debug response headers (`x-vsr-matched-*`): it steers no
 * routing, so the pipeline sees it, but like every `x-vsr-*` header it is not forwarded.
 */
export const DEBUG_HEADER = 'x-vsr-debug'
/**
 * The caller's cost/latency trade-off (`x-vsr-preference`, src/routing/selection/preference.ts).
 * Like the debug flag it reaches the pipeline and is never forwarded. It is a documented knob, not
 * a routing header: it only weighs the winning decision's own candidates, within the decision's
 * bounds.
 */
export { PREFERENCE_HEADER }
/** `x-vsr-*` request headers the pipeline may read (every other one is dropped at the edge). */
export const PIPELINE_REQUEST_FLAGS: ReadonlySet<string> = new Set([
  DEBUG_HEADER,
  PREFERENCE_HEADER,
])

/**
 * Named routing headers, removed whether or not the request shows them (Envoy's `forward_rules`
 * may hide a header from ext_proc that still reaches the upstream): the selected model, the
 * destination under every historical name, and Envoy AI Gateway's model header (AI Gateway derives
 * it from the body's model after the router ran).
 */
export const NAMED_ROUTING_HEADERS: readonly string[] = [
  SELECTED_MODEL_HEADER,
  'x-vsr-destination-endpoint',
  INFERENCE_EXTENSION_HEADER,
  'x-semantic-destination-endpoint',
  'x-ai-eg-model',
]

/** The named routing headers plus the configured destination header (lower-cased, no duplicates). */
export function routingHeaderNames(destinationHeader: string): readonly string[] {
  const names = new Set(NAMED_ROUTING_HEADERS)
  const configured = destinationHeader.toLowerCase()
  if (configured !== '') names.add(configured)
  return [...names]
}
