/**
 * `routing`: picks the model and its endpoint. Auto requests get what the config's ModelSelector
 * chooses for their category (static: the best-scored model, a LoRA adapter name when configured,
 * or `default_model` when there is no confident category); the EndpointPolicy picks the endpoint. Explicit
 * models pass through unchanged; a model the config does not know is refused (404) when the config
 * names models at all, so typos do not silently reach an arbitrary endpoint.
 */
import { z } from 'zod'
import { RouterError } from '../../errors.js'
import { baseModelOf, isKnownModel } from '../../routing/select-model.js'
import { routeTo, selectModel } from './selection.js'
import { PLUGIN_API_VERSION, type ModuleFactory } from '../types.js'

export const ROUTING = 'routing'

export const routingModule: ModuleFactory = {
  kind: ROUTING,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category'],
  writes: ['selectedModel', 'upstreamModel', 'reasonCode', 'endpoint'],
  description:
    'Select the model: best score for the category, default_model, or the explicit model',
  enabledByDefault: true,
  create({ config, tables, selection }) {
    return {
      name: ROUTING,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
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
        const choice = selectModel(ctx, tables, selection)
        if (!choice)
          throw new RouterError(
            'model_not_found',
            'No category matched and default_model is not configured',
            { param: 'model' },
          )
        routeTo(ctx, tables, selection, choice.model, choice.upstreamModel)
        ctx.reasonCode = choice.candidate ? 'auto_routing' : 'default_model'
      },
    }
  },
}
