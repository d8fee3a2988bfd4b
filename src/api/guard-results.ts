/**
 * Result builders shared by the guard endpoints (/api/v1/classify/pii, /security, /combined, /batch).
 * They run the runtime's detectors — the same ones the pipeline uses — and shape the answers like
 * upstream's API, with real values instead of upstream's placeholders. Entity positions are Unicode
 * code point indices (what "character offset" means to most clients), end exclusive.
 */
import type { z } from 'zod'
import { RouterError } from '../errors.js'
import { attackProbability } from '../guards/jailbreak/combined-detector.js'
import { RuleJailbreakDetector } from '../guards/jailbreak/rule-detector.js'
import { maskText } from '../guards/pii/mask.js'
import type { JailbreakDetector, PiiEntity } from '../guards/types.js'
import type { Runtime } from '../pipeline/runtime.js'
import type { ALL_OPTIONS, PII_OPTIONS, SECURITY_OPTIONS } from './schemas/guards.js'
import { SENSITIVITY_LEVELS } from './schemas/guards.js'

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

/** PII options as the request schema parsed them, with the config's defaults applied. */
export function piiOptions(
  options: z.output<typeof PII_OPTIONS> | null | undefined,
  runtime: Runtime,
): PiiOptions {
  return {
    entityTypes: options?.entity_types ?? undefined,
    threshold: options?.confidence_threshold ?? runtime.config.classifier.pii_model.threshold,
    returnPositions: options?.return_positions ?? true,
    maskEntities: options?.mask_entities ?? false,
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

/** `options` of a request that runs everything (/combined, /batch), with defaults applied. */
export interface GuardOptions {
  readonly withProbabilities: boolean
  readonly pii: PiiOptions
  readonly security: SecurityOptions
}

export function guardOptions(
  options: z.output<typeof ALL_OPTIONS> | null | undefined,
  runtime: Runtime,
): GuardOptions {
  return {
    withProbabilities: options?.return_probabilities === true,
    pii: piiOptions(options, runtime),
    security: securityOptions(options, runtime),
  }
}

export interface SecurityOptions {
  readonly threshold: number
  readonly includeReasoning: boolean
  readonly detectionTypes: readonly string[] | undefined
}

/** Security options as the request schema parsed them, with the config's defaults applied. */
export function securityOptions(
  options: z.output<typeof SECURITY_OPTIONS> | null | undefined,
  runtime: Runtime,
): SecurityOptions {
  const sensitivity = options?.sensitivity
  return {
    threshold:
      typeof sensitivity === 'number'
        ? sensitivity
        : typeof sensitivity === 'string'
          ? SENSITIVITY_LEVELS[sensitivity]
          : runtime.config.prompt_guard.threshold,
    includeReasoning: options?.include_reasoning === true,
    detectionTypes: options?.detection_types ?? undefined,
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
