/**
 * Result builders shared by the guard endpoints (/api/v1/classify/pii, /security, /combined, /batch).
 * They run the runtime's detectors — the same ones the pipeline uses — and shape the answers like
 * upstream's API, with real values instead of upstream's placeholders. Entity positions are Unicode
 * code point indices (what "character offset" means to most clients), end exclusive.
 */
import { RouterError } from '../errors.js'
import { attackProbability } from '../guards/jailbreak/combined-detector.js'
import { RuleJailbreakDetector } from '../guards/jailbreak/rule-detector.js'
import { maskText } from '../guards/pii/mask.js'
import type { JailbreakDetector, PiiEntity } from '../guards/types.js'
import type { Runtime } from '../pipeline/runtime.js'
import { optionalNumber, optionalObject } from './errors.js'

/** Texts longer than this are refused (the detectors handle it, but an API call should not take seconds). */
export const MAX_GUARD_TEXT_CHARS = 1_000_000

export function checkLength(text: string, param = 'text'): void {
  if (text.length > MAX_GUARD_TEXT_CHARS)
    throw new RouterError(
      'invalid_request',
      `${param} is ${text.length} characters; the limit is ${MAX_GUARD_TEXT_CHARS}`,
      { param },
    )
}

export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000
}

/** UTF-16 index → code point index. */
function codePoints(text: string, utf16: number): number {
  let surrogates = 0
  for (let i = 0; i < utf16; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) surrogates++
  }
  return utf16 - surrogates
}

export interface PiiOptions {
  readonly entityTypes: readonly string[] | undefined
  readonly threshold: number
  readonly returnPositions: boolean
  readonly maskEntities: boolean
}

export function piiOptions(options: Record<string, unknown>, runtime: Runtime): PiiOptions {
  const types = options['entity_types']
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string')))
    throw new RouterError('invalid_request', 'options.entity_types must be an array of strings', {
      param: 'options.entity_types',
    })
  const flag = (name: string, fallback: boolean): boolean => {
    const v = options[name]
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'boolean')
      throw new RouterError('invalid_request', `options.${name} must be a boolean`, {
        param: `options.${name}`,
      })
    return v
  }
  const threshold = optionalNumber(
    options,
    'confidence_threshold',
    'options.confidence_threshold',
    runtime.config.classifier.pii_model.threshold,
  )
  return {
    entityTypes: types as string[] | undefined,
    threshold,
    returnPositions: flag('return_positions', true),
    maskEntities: flag('mask_entities', false),
  }
}

export interface PiiResult {
  readonly has_pii: boolean
  readonly entities: Record<string, unknown>[]
  readonly masked_text?: string
  readonly security_recommendation: 'block' | 'allow'
  readonly detector: string
  readonly processing_time_ms: number
}

export async function detectPii(
  runtime: Runtime,
  text: string,
  opts: PiiOptions,
  signal?: AbortSignal,
): Promise<{ result: PiiResult; entities: PiiEntity[] }> {
  const detector = await runtime.services.piiDetector()
  if (!detector) throw new RouterError('classifier_failed', 'No PII detector is configured')
  const started = performance.now()
  const wanted = opts.entityTypes ? new Set(opts.entityTypes) : undefined
  const entities = (await detector.detect(text, signal)).filter(
    (e) => e.confidence >= opts.threshold && (!wanted || wanted.has(e.type)),
  )
  const masked = maskText(text, entities)
  const result: PiiResult = {
    has_pii: entities.length > 0,
    entities: entities.map((e) => ({
      type: e.type,
      value: e.value,
      confidence: e.confidence,
      ...(opts.returnPositions
        ? { start_position: codePoints(text, e.start), end_position: codePoints(text, e.end) }
        : {}),
      ...(opts.maskEntities ? { masked_value: `<${e.type}>` } : {}),
      source: e.source,
    })),
    ...(opts.maskEntities ? { masked_text: masked } : {}),
    security_recommendation: entities.length > 0 ? 'block' : 'allow',
    detector: detector.kind,
    processing_time_ms: elapsedMs(started),
  }
  return { result, entities }
}

/** `options` of a request that runs both guards (/combined, /batch), parsed once. */
export interface GuardOptions {
  readonly raw: Record<string, unknown>
  readonly pii: PiiOptions
  readonly security: SecurityOptions
}

export function guardOptions(body: Record<string, unknown>, runtime: Runtime): GuardOptions {
  const raw = optionalObject(body, 'options')
  return { raw, pii: piiOptions(raw, runtime), security: securityOptions(raw, runtime) }
}

const SENSITIVITY: Record<string, number> = { low: 0.9, medium: 0.7, high: 0.5 }

export interface SecurityOptions {
  readonly threshold: number
  readonly includeReasoning: boolean
  readonly detectionTypes: readonly string[] | undefined
}

export function securityOptions(
  options: Record<string, unknown>,
  runtime: Runtime,
): SecurityOptions {
  const sensitivity = options['sensitivity']
  let threshold = runtime.config.prompt_guard.threshold
  if (typeof sensitivity === 'number' && sensitivity >= 0 && sensitivity <= 1)
    threshold = sensitivity
  else if (typeof sensitivity === 'string' && sensitivity in SENSITIVITY)
    threshold = SENSITIVITY[sensitivity]!
  else if (sensitivity !== undefined && sensitivity !== null)
    throw new RouterError(
      'invalid_request',
      'options.sensitivity must be "low", "medium", "high" or a threshold in [0, 1]',
      { param: 'options.sensitivity' },
    )
  const types = options['detection_types']
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string')))
    throw new RouterError(
      'invalid_request',
      'options.detection_types must be an array of strings',
      {
        param: 'options.detection_types',
      },
    )
  const reasoning = options['include_reasoning']
  return {
    threshold,
    includeReasoning: reasoning === true,
    detectionTypes: types as string[] | undefined,
  }
}

// Built on first use: constructing the rules builds their pre-filter (tens of ms), which a
// process that imports the API but never falls back should not pay.
let fallbackRules: RuleJailbreakDetector | undefined

/** The configured detector; the embedded rules when prompt_guard is disabled (the API still answers). */
async function jailbreakDetector(runtime: Runtime): Promise<JailbreakDetector> {
  return (
    (await runtime.services.jailbreakDetector()) ?? (fallbackRules ??= new RuleJailbreakDetector())
  )
}

export async function detectSecurity(
  runtime: Runtime,
  text: string,
  opts: SecurityOptions,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const detector = await jailbreakDetector(runtime)
  const started = performance.now()
  const verdict = await detector.detect(text, signal)
  const risk = attackProbability(verdict)
  const isJailbreak = verdict.isJailbreak && verdict.confidence >= opts.threshold
  const wanted = opts.detectionTypes ? new Set(opts.detectionTypes) : undefined
  const rules = (verdict.rules ?? []).filter((r) => !wanted || wanted.has(r.family))
  const families = [...new Set(rules.map((r) => r.family))]
  const response: Record<string, unknown> = {
    is_jailbreak: isJailbreak,
    risk_score: Number(risk.toFixed(4)),
    detection_types: isJailbreak && families.length === 0 ? [verdict.label] : families,
    confidence: Number(verdict.confidence.toFixed(4)),
    label: verdict.label,
    recommendation: isJailbreak ? 'block' : 'allow',
    patterns_detected: rules.map((r) => (r.view === 'canonical' ? r.id : `${r.id}@${r.view}`)),
    threshold: opts.threshold,
    detector: detector.kind,
    processing_time_ms: elapsedMs(started),
  }
  if (opts.includeReasoning)
    response['reasoning'] =
      rules.length === 0
        ? `No attack pattern matched; attack probability ${risk.toFixed(3)} (threshold ${opts.threshold}).`
        : `Matched ${rules.map((r) => `${r.id} (${r.family}, ${r.weight})`).join(', ')}; attack probability ${risk.toFixed(3)} ${isJailbreak ? '≥' : '<'} threshold ${opts.threshold}.`
  return response
}
