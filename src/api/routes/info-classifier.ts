/**
 * GET /info/classifier — the loaded configuration (upstream: `{"status":"config_loaded",
 * "config":{...}}`). Keys stay snake_case as in the YAML; API keys are never in the config (only
 * the names of the environment variables holding them).
 */
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

export const infoClassifierRoute: ApiRoute = {
  method: 'GET',
  path: '/info/classifier',
  summary: 'The configuration the classifiers were built from',
  handle: (_req, ctx) => {
    const runtime = requireRuntime(ctx)
    return {
      body: {
        status: 'config_loaded',
        config_source: runtime.loaded.source,
        config_hash: runtime.loaded.hash,
        classifiers: runtime.pipeline.classifiers.kinds,
        config: runtime.config,
      },
    }
  },
}
