/**
 * `routing`: picks the model. Auto requests get the best-scored model of their category (a LoRA
 * adapter name when configured), or `default_model` when there is no confident category. Explicit
 * models pass through unchanged; a model the config does not know is refused (404) when the config
 * names models at all, so typos do not silently reach an arbitrary endpoint.
 */
import { RouterError } from '../../errors.js'
import { baseModelOf, bestModelForCategory, isKnownModel } from '../../routing/select-model.js'
import { PLUGIN_API_VERSION, type ModuleFactory } from '../types.js'

export const ROUTING = 'routing'

export const routingModule: ModuleFactory = {
  name: ROUTING,
  apiVersion: PLUGIN_API_VERSION,
  description:
    'Select the model: best score for the category, default_model, or the explicit model',
  enabledByDefault: true,
  after: ['classification'],
  create({ config, tables }) {
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
          ctx.selectedModel = baseModelOf(config, model)
          ctx.upstreamModel = model
          ctx.reasonCode = 'model_specified'
          return
        }
        const category = tables.categories.get(ctx.category)
        const choice = category ? bestModelForCategory(category) : undefined
        if (choice) {
          ctx.selectedModel = choice.model
          ctx.upstreamModel = choice.upstreamModel
          ctx.reasonCode = 'auto_routing'
          return
        }
        if (config.default_model === '')
          throw new RouterError(
            'model_not_found',
            'No category matched and default_model is not configured',
            { param: 'model' },
          )
        ctx.selectedModel = config.default_model
        ctx.upstreamModel = config.default_model
        ctx.reasonCode = 'default_model'
      },
    }
  },
}
