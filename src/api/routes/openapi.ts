/** GET /openapi.json — the API described from the route table (src/api/openapi.ts). */
import { createRequire } from 'node:module'
import { buildOpenApi } from '../openapi.js'
import type { ApiRoute } from '../types.js'

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string }

/** Built from the routes passed in (routes/index.ts passes the full table, itself included). */
export function openApiRoute(routes: () => readonly ApiRoute[]): ApiRoute {
  let document: unknown
  return {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    handle: () => ({ body: (document ??= buildOpenApi(routes(), version)) }),
  }
}
