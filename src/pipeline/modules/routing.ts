/**
 * `routing`: picks the model and its endpoint. A request that asked the router to choose (an auto
 * name or an entrypoint) gets a model among its winning decision's candidates, chosen by the
 * decision's selector (its `algorithm`, else the router's default, static: the best score, ties
 * to the first; a LoRA adapter name when configured); one candidate is taken as is (`single`); a
 * decision without candidates, or no decision at all, gets `default_model`. A decision with a
 * `fast_response` plugin is answered at once with its message. Concrete models pass through
 * unchanged; a model the config does not know is refused (404) when the config names models at
 * all, so typos do not silently reach an arbitrary endpoint. The EndpointPolicy picks the endpoint.
 */
import { z } from 'zod'
import { RouterError } from '../../errors.js'
import { baseModelOf, isKnownModel } from '../../routing/select-model.js'
import { decisionHeaders } from '../decision-headers.js'
import { fastResponse } from '../immediate.js'
import { costOf } from '../response-tracker.js'
import { readSlot } from '../module-state.js'
import { label } from '../../metrics/router-metrics.js'
import {
  decisionSelector,
  PREFERENCE,
  routeTo,
  selectModel,
  SPLIT_ARM,
  takePreference,
} from './selection.js'
import { PLUGIN_API_VERSION, type ModuleFactory } from '../types.js'

export const ROUTING = 'routing'

export const routingModule: ModuleFactory = {
  kind: ROUTING,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category', 'decision'],
  writes: [
    'selectedModel',
    'upstreamModel',
    'reasonCode',
    'endpoint',
    'algorithm',
    'body',
    PREFERENCE,
  ],
  description:
    "Select the model among the decision's candidates (its algorithm), default_model, or the explicit model",
  enabledByDefault: true,
  create({ config, tables, selection }) {
    return {
      name: ROUTING,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
        takePreference(ctx)
        if (!ctx.autoRouted) {
          const model = ctx.request.model
          if (tables.hasModelCatalog && !isKnownModel(config, model))
            throw new RouterError(
              'model_not_found',
              `The model '${model}' is not configured; use '${config.auto_model_name}' for automatic routing`,
              { param: 'model' },
            )
          routeTo(ctx, tables, selection, baseModelOf(config, model), model)
          ctx.reasonCode = 'model_specified'
          return
        }
        const decision = ctx.decision?.decision
        const fast = decision?.plugins.fastResponse
        if (decision && fast) {
          ctx.algorithm = 'fast_response'
          ctx.reasonCode = 'fast_response'
          return fastResponse({
            stream: ctx.request.stream || ctx.meta.acceptsEventStream,
            model: ctx.request.model,
            message: fast.message,
            headers: Object.fromEntries(decisionHeaders(ctx)),
          })
        }
        const refs = decision?.modelRefs ?? []
        const choice =
          refs.length === 1
            ? { model: refs[0]!.model, upstreamModel: refs[0]!.upstreamModel, candidate: true }
            : selectModel(ctx, selection)
        if (!choice)
          throw new RouterError(
            'model_not_found',
            decision
              ? `Decision '${decision.name}' chose no model and default_model is not configured`
              : 'No decision matched and default_model is not configured',
            { param: 'model' },
          )
        routeTo(ctx, tables, selection, choice.model, choice.upstreamModel)
        const chosen = refs.length === 1 || choice.candidate !== undefined
        ctx.algorithm = !chosen
          ? 'default'
          : refs.length === 1
            ? 'single'
            : decisionSelector(ctx, selection).algorithm
        ctx.reasonCode = chosen ? 'auto_routing' : 'default_model'
      },
      onResponse(ctx, record) {
        // Per-arm outcomes of a traffic split, so an A/B test can be read off Grafana.
        const split = readSlot(ctx, SPLIT_ARM)
        if (!split) return
        const m = ctx.services.metrics.selection
        const labels = { split: label(split.name), arm: label(split.arm) }
        m.armRequests.inc(labels)
        if (record.error !== undefined || record.status >= 500 || record.status === 0)
          m.armErrors.inc(labels)
        else m.armLatency.observe(labels, record.latencySeconds)
        const cost = costOf(ctx, record.usage)
        if (cost.priced) m.armCost.inc({ ...labels, currency: cost.currency }, cost.cost)
      },
    }
  },
}
