/**
 * The OpenAPI 3.1 document of the classification API, generated from the route table so it can
 * never list a route that does not exist or miss one that does. Each route's body schemas are the
 * zod schemas the server validates with (ApiRoute.schema), written out as JSON Schema; every route
 * documents the shared error body.
 */
import { jsonSchemaOf } from './schema.js'
import type { ApiRoute, JsonSchema } from './types.js'

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'timestamp'],
      properties: {
        code: { type: 'string', description: 'Stable error code, upper case (docs/errors.md)' },
        message: { type: 'string' },
        timestamp: { type: 'string', format: 'date-time' },
      },
    },
  },
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } })

export function buildOpenApi(routes: readonly ApiRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      responses: {
        '200': {
          description: 'Success',
          ...(route.schema?.response
            ? { content: json(jsonSchemaOf(route.schema.response, 'output')) }
            : {}),
        },
        default: { description: 'Error', content: json({ $ref: '#/components/schemas/Error' }) },
      },
    }
    const request = route.schema?.request
    if (request)
      operation['requestBody'] = {
        required: !request.safeParse(undefined).success,
        content: json(jsonSchemaOf(request, 'input')),
      }
    ;(paths[route.path] ??= {})[route.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Semantic Router classification API',
      version,
      description:
        'Intent, PII and jailbreak classification with the models and rules the router itself uses. Shapes follow vLLM Semantic Router v0.1 where it defined them.',
    },
    paths,
    components: { schemas: { Error: ERROR_SCHEMA } },
  }
}
