/** GET /v1/models — the auto model plus the configured models (OpenAI list shape). */
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

export const modelsRoute: ApiRoute = {
  method: 'GET',
  path: '/v1/models',
  summary: 'Models clients may request (the auto model and configured models)',
  handle: (_req, ctx) => ({ body: requireRuntime(ctx).pipeline.listModels('gateway') }),
}
