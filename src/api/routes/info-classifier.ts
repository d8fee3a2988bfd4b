/**
 * GET /info/classifier — the loaded configuration (upstream: `{"status":"config_loaded",
 * "config":{...}}`). Keys stay snake_case as in the YAML. Admin-only when auth is on, and every
 * secret (`*_password`, DSN and URL passwords, keys, tokens) is redacted (src/config/redact.ts).
 */
import { redactConfig } from '../../config/redact.js'
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

export const infoClassifierRoute: ApiRoute = {
  method: 'GET',
  path: '/info/classifier',
  access: 'admin',
  summary: 'The configuration the classifiers were built from',
  handle: (_req, ctx) => {
    const runtime = requireRuntime(ctx)
    return {
      body: {
        status: 'config_loaded',
        config_source: runtime.loaded.source,
        config_hash: runtime.loaded.hash,
        classifiers: runtime.pipeline.classifiers.kinds,
        config: redactConfig(runtime.config),
      },
    }
  },
}
