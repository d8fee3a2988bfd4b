/**
 * Builds a runtime's live selection inputs: per-model measurements of its own traffic and the
 * learned scores over the shared state store (`state_store`; memory by default, Redis when
 * replicas share it). Measurements start empty at each config load and fill within a window of
 * requests; learned scores live in the store and survive reloads.
 */
import type { RouterConfig } from '../../config/schema/index.js'
import type { Logger } from '../../log.js'
import type { EndpointStats } from '../../runtime/endpoint-stats.js'
import type { RuntimeServices } from '../../runtime/services.js'
import { Learning } from './learning.js'
import { ModelLiveStats } from './live-stats.js'
import type { EndpointObservation, Selection, SelectionLive } from './types.js'

export function selectionLive(
  config: RouterConfig,
  services: Pick<RuntimeServices, 'state'>,
  log: Logger,
  load?: EndpointStats,
): SelectionLive {
  const store = services.state.stateStore(config.state_store, (err) =>
    log.warn({ event: 'state_store_error', error: err.message }, 'state_store_error'),
  )
  return {
    stats: new ModelLiveStats({
      models: Object.keys(config.model_config),
      ...(load ? { load } : {}),
    }),
    learning: new Learning(store, log),
  }
}

/** Tell everything that watches traffic (the endpoint policy, the live stats) about a request. */
export function observeSelection(selection: Selection, event: EndpointObservation): void {
  selection.endpoints.observe?.(event)
  selection.live?.stats.observe(event)
}
