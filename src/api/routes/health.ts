/** GET /health — liveness: the process is up and answering (upstream's body). */
import type { ApiRoute } from '../types.js'

export const healthRoute: ApiRoute = {
  method: 'GET',
  path: '/health',
  access: 'public',
  summary: 'Liveness probe',
  handle: () => ({ body: { status: 'healthy', service: 'classification-api' } }),
}
