/**
 * The four model roles a config can name, resolved to something loadable:
 *
 *   category   classifier.category_model.model_id (+ category_mapping_path)   default: embedded
 *   embedding  bert_model.model_id                                              default: embedded
 *   jailbreak  prompt_guard.model_id (+ jailbreak_mapping_path)                 default: embedded
 *   pii        classifier.pii_model.model_id (+ pii_mapping_path)               default: none (validators)
 *
 * An empty model_id means the default. A model_id that cannot be used (missing, corrupt, failed
 * checksum, labels that contradict the mapping) is an error when `inference.strict_models` is
 * true; otherwise the default takes its place, with a warning naming the file and the fix and a
 * count in `llm_model_fallback_total{role,reason}`.
 */
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError, toRouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import { EMBEDDED_MODELS } from './embedded.js'
import { readModelFolder, type ModelFolder } from './folder.js'
import { checksumError, lockEntryFor, readLock, verifyModel } from './hub/lock.js'
import { readLabelMapping, resolveLabels } from './label-mapping.js'
import { locateModel } from './locate.js'
import type { InferenceSettings, ModelSpec } from './model.js'
import type { ModelLease, ModelRegistry } from './registry.js'

export type ModelRole = 'category' | 'embedding' | 'jailbreak' | 'pii'

export interface RoleDeps {
  readonly config: RouterConfig
  readonly baseDir: string
  readonly log: Logger
  readonly metrics: RouterMetrics
  /** Where models are loaded and shared (the router's state owner holds it). */
  readonly models: ModelRegistry
}

export interface ResolvedRole {
  readonly spec: ModelSpec
  /** `embedded` for the shipped defaults (kept loaded for the life of the process). */
  readonly source: 'configured' | 'embedded'
  /** Name reported by the API (`model_used`) and /info/models. */
  readonly name: string
}

const BENIGN = /^(benign|safe|no[_ -]?jailbreak|legit(imate)?|normal|negative|label_0|0)$/i

export function inferenceSettings(config: RouterConfig): InferenceSettings {
  const i = config.inference
  return {
    intraOpThreads: i.intra_op_threads,
    interOpThreads: i.inter_op_threads,
    workersPerModel: i.workers_per_model,
    placement: i.placement,
    mainThreadMaxBytes: Math.round(i.main_thread_max_mb * 1024 * 1024),
    mainThreadMaxWindowMs: i.main_thread_max_window_ms,
    maxBatch: i.max_batch,
    maxChunks: i.max_chunks,
    chunkOverlap: i.chunk_overlap,
  }
}

export function modelCacheDir(config: RouterConfig, baseDir: string): string {
  return resolve(baseDir, config.inference.model_cache_dir)
}

function configured(role: ModelRole, config: RouterConfig): { modelId: string; mapping: string } {
  switch (role) {
    case 'category':
      return {
        modelId: config.classifier.category_model.model_id,
        mapping: config.classifier.category_model.category_mapping_path,
      }
    case 'embedding':
      return { modelId: config.bert_model.model_id, mapping: '' }
    case 'jailbreak':
      return {
        modelId: config.prompt_guard.model_id,
        mapping: config.prompt_guard.jailbreak_mapping_path,
      }
    case 'pii':
      return {
        modelId: config.classifier.pii_model.model_id,
        mapping: config.classifier.pii_model.pii_mapping_path,
      }
  }
}

function specFor(role: ModelRole, folder: ModelFolder, labels: readonly string[]): ModelSpec {
  switch (role) {
    case 'category':
      return { folder, task: 'sequence-classification', labels, longInput: 'truncate' }
    case 'embedding':
      return { folder, task: 'embedding', labels: [], longInput: 'truncate' }
    case 'jailbreak':
      return {
        folder,
        task: 'sequence-classification',
        labels,
        longInput: 'chunk',
        aggregate: 'max-risk',
        benignLabel: labels.find((l) => BENIGN.test(l)) ?? labels[0]!,
      }
    case 'pii':
      return { folder, task: 'token-classification', labels, longInput: 'chunk' }
  }
}

const EMBEDDED_NAMES = {
  category: 'embedded/category-classifier',
  embedding: 'embedded/sentence-embedding',
  jailbreak: 'embedded/jailbreak-classifier',
} as const

function embeddedDefault(role: ModelRole): ResolvedRole | null {
  if (role === 'pii') return null
  const folder = readModelFolder(EMBEDDED_MODELS[role], 'auto')
  return {
    spec: specFor(role, folder, folder.labels ?? []),
    source: 'embedded',
    name: EMBEDDED_NAMES[role],
  }
}

function findFile(path: string, baseDir: string): string {
  if (isAbsolute(path)) return path
  const fromConfig = resolve(baseDir, path)
  if (existsSync(fromConfig)) return fromConfig
  const fromCwd = resolve(process.cwd(), path)
  return existsSync(fromCwd) ? fromCwd : fromConfig
}

async function loadConfigured(
  role: ModelRole,
  modelId: string,
  mappingPath: string,
  deps: RoleDeps,
): Promise<ResolvedRole> {
  const { config, baseDir } = deps
  const cacheDir = modelCacheDir(config, baseDir)
  const dir = locateModel(modelId, { baseDir, cacheDir })
  if (config.inference.verify_checksums) {
    const locked = lockEntryFor(cacheDir, dir, readLock(cacheDir))
    if (locked) {
      const problems = await verifyModel(dir, locked[1])
      if (problems.length > 0) throw checksumError(dir, problems)
    }
  }
  const folder = readModelFolder(dir, config.inference.onnx_variant)
  let labels: readonly string[] = []
  if (role !== 'embedding') {
    const mappingFile = mappingPath === '' ? '' : findFile(mappingPath, baseDir)
    let mapping = null
    if (mappingFile !== '' && existsSync(mappingFile)) mapping = readLabelMapping(mappingFile)
    else if (mappingFile !== '' && !folder.labels) {
      throw new RouterError(
        'model_missing',
        `${mappingFile} is missing and ${dir}/config.json has no id2label: restore the mapping file or add id2label`,
        { details: { file: mappingFile } },
      )
    } else if (mappingFile !== '') {
      logEvent(
        deps.log,
        'model_mapping_missing',
        { role, file: mappingFile, using: 'config.json id2label' },
        'warn',
      )
    }
    labels = resolveLabels(folder.labels, mapping, dir)
  }
  return { spec: specFor(role, folder, labels), source: 'configured', name: modelId }
}

/** Resolve a role to a loadable spec, falling back to the default unless strict. */
export async function resolveRole(role: ModelRole, deps: RoleDeps): Promise<ResolvedRole | null> {
  const { modelId, mapping } = configured(role, deps.config)
  if (modelId === '') return embeddedDefault(role)
  try {
    return await loadConfigured(role, modelId, mapping, deps)
  } catch (err) {
    const error = toRouterError(err)
    if (deps.config.inference.strict_models) throw error
    return fallBack(role, modelId, error, deps)
  }
}

/** A load failure of a resolved configured model gets the same strict/fallback treatment. */
export function fallbackAfterLoadError(
  role: ModelRole,
  resolved: ResolvedRole,
  err: unknown,
  deps: RoleDeps,
): ResolvedRole | null {
  const error = toRouterError(err)
  if (resolved.source === 'embedded' || deps.config.inference.strict_models) throw error
  return fallBack(role, resolved.name, error, deps)
}

/** Count and log a configured model replaced by the role's embedded default (if it has one). */
function fallBack(
  role: ModelRole,
  modelId: string,
  error: RouterError,
  deps: RoleDeps,
): ResolvedRole | null {
  deps.metrics.modelFallbacks.inc({ role, reason: error.code })
  const fallback = embeddedDefault(role)
  logEvent(
    deps.log,
    'model_fallback',
    {
      role,
      model_id: modelId,
      code: error.code,
      error: error.message,
      using: fallback ? fallback.name : 'built-in detector only',
    },
    'warn',
  )
  return fallback
}

export interface RoleModel {
  readonly lease: ModelLease
  readonly resolved: ResolvedRole
}

/**
 * Resolve and load a role's model (one load per registry, shared by every runtime using it). A
 * configured model that fails to load falls back like one that cannot be found. Null: the role
 * has no model (guards without a configured model, or after a fallback).
 */
export async function loadRoleModel(role: ModelRole, deps: RoleDeps): Promise<RoleModel | null> {
  let resolved = await resolveRole(role, deps)
  if (!resolved) return null
  const settings = inferenceSettings(deps.config)
  try {
    const lease = await deps.models.acquire(role, resolved.spec, settings, {
      pinned: resolved.source === 'embedded',
    })
    return { lease, resolved }
  } catch (err) {
    resolved = fallbackAfterLoadError(role, resolved, err, deps)
    if (!resolved) return null
    const lease = await deps.models.acquire(role, resolved.spec, settings, { pinned: true })
    return { lease, resolved }
  }
}
