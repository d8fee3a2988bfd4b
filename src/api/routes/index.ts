/**
 * The classification API's route table. One file per endpoint; add new endpoints here
 *. /openapi.json is generated from this
 * table, so a route with a `schema` is documented there automatically.
 */
import type { ApiRoute } from '../types.js'
import { cacheFlushRoute } from './cache-flush.js'
import { cacheStatsRoute } from './cache-stats.js'
import { classifyBatchRoute } from './classify-batch.js'
import { classifyCombinedRoute } from './classify-combined.js'
import { classifyIntentRoute } from './classify-intent.js'
import { classifyPiiRoute } from './classify-pii.js'
import { classifySecurityRoute } from './classify-security.js'
import { embeddingModelsRoute } from './embedding-models.js'
import { feedbackRoute } from './feedback.js'
import { embeddingsRoute } from './embeddings.js'
import { healthRoute } from './health.js'
import { infoClassifierRoute } from './info-classifier.js'
import { infoModelsRoute } from './info-models.js'
import { modelsRoute } from './models.js'
import { openApiRoute } from './openapi.js'
import { readyRoute } from './ready.js'
import { selectionScoresImportRoute, selectionScoresRoute } from './selection-scores.js'
import { similarityBatchRoute } from './similarity-batch.js'
import { similarityRoute } from './similarity.js'

export const API_ROUTES: readonly ApiRoute[] = [
  healthRoute,
  readyRoute,
  classifyIntentRoute,
  classifyPiiRoute,
  classifySecurityRoute,
  classifyCombinedRoute,
  classifyBatchRoute,
  embeddingsRoute,
  similarityRoute,
  similarityBatchRoute,
  embeddingModelsRoute,
  infoModelsRoute,
  infoClassifierRoute,
  modelsRoute,
  cacheStatsRoute,
  cacheFlushRoute,
  feedbackRoute,
  selectionScoresRoute,
  selectionScoresImportRoute,
  openApiRoute(() => API_ROUTES),
]
