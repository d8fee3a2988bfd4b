import { z } from 'zod'
import { RouterError } from '../../errors.js'
import { logEvent } from '../../log.js'
import { unmatchedCategories } from '../../ml/label-mapping.js'
import { loadRoleModel } from '../../ml/roles.js'
import type { ClassifierPlugin } from '../types.js'
import { CategoryModelClassifier } from './category-model-classifier.js'

export const modelPlugin: ClassifierPlugin<Record<string, never>> = {
  kind: 'model',
  description:
    'category model: classifier.category_model (ONNX, Hugging Face layout) or the embedded default',
  optionsSchema: z.strictObject({}),
  async create({ config, services }) {
    const deps = {
      config,
      baseDir: services.baseDir,
      log: services.log,
      metrics: services.metrics,
      models: services.state.models,
    }
    const loaded = await loadRoleModel('category', deps)
    if (!loaded) return null
    const labels = loaded.lease.model.info.labels
    const unmatched = unmatchedCategories(labels, config.categories)
    if (config.categories.length > 0 && unmatched.length === config.categories.length) {
      const message = `the category model ${loaded.resolved.name} has labels (${labels.join(', ')}) that match none of the configured categories (${unmatched.join(', ')}); name categories after the model's labels or list them in mmlu_categories`
      if (config.inference.strict_models) {
        await loaded.lease.release()
        throw new RouterError('model_labels_mismatch', message, {
          details: { labels, categories: unmatched },
        })
      }
      logEvent(
        services.log,
        'model_labels_mismatch',
        { model: loaded.resolved.name, labels, unmatched, error: message },
        'warn',
      )
    } else if (unmatched.length > 0) {
      logEvent(
        services.log,
        'model_labels_unmatched',
        { model: loaded.resolved.name, unmatched },
        'debug',
      )
    }
    return new CategoryModelClassifier(loaded)
  },
}
export { CategoryModelClassifier } from './category-model-classifier.js'
