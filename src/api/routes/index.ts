/**
 * The classification API's route table. One file per endpoint; add new endpoints here
 * (`/api/v1/classify/pii|security|batch|combined`, `/api/v1/embeddings`, `/api/v1/similarity*`,
 * `/openapi.json` are planned).
 */
import type { ApiRoute } from '../types.js'
import { classifyIntentRoute } from './classify-intent.js'
import { healthRoute } from './health.js'
import { infoClassifierRoute } from './info-classifier.js'
import { infoModelsRoute } from './info-models.js'
import { modelsRoute } from './models.js'
import { readyRoute } from './ready.js'

export const API_ROUTES: readonly ApiRoute[] = [
  healthRoute,
  readyRoute,
  classifyIntentRoute,
  infoModelsRoute,
  infoClassifierRoute,
  modelsRoute,
]
