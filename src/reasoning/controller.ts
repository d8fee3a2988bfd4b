/**
 * Reasoning mode controller (roadmap #1): turns a reasoning on/off decision into the request fields
 * the selected model's family understands.
 *
 * - `chat_template_kwargs` families (Qwen3 `enable_thinking`, DeepSeek `thinking`) get
 *   `chat_template_kwargs.<param>: true|false`. Off is an explicit `false`: Qwen3 templates think by
 *   default, so sending nothing (upstream's classic behaviour, fixed there in Dec 2025) leaves
 *   reasoning on.
 * - `reasoning_effort` families (GPT-OSS) get `reasoning_effort: <effort>` when on; when off they
 *   keep the client's value or get `low` (these models cannot switch reasoning off entirely).
 * - A model with no family gets no reasoning fields; client-sent ones are removed because they
 *   were meant for whatever model the client thought it was talking to.
 */
import type { ReasoningFamilyConfig, RouterConfig } from '../config/schema/index.js'
import type { ChatCompletionBody } from '../openai/types.js'

export interface ReasoningTarget {
  readonly enabled: boolean
  readonly effort: string
  readonly family: string | undefined
  readonly familyConfig: ReasoningFamilyConfig | undefined
}

/**
 * Effort: the model score's (or modelRef's), else `default_reasoning_effort`, else `medium`. A
 * v0.3 modelRef may name any effort string; it is passed through as upstream does.
 */
export function resolveEffort(config: RouterConfig, scoreEffort: string | undefined): string {
  return scoreEffort ?? config.default_reasoning_effort ?? 'medium'
}

export function familyOf(
  config: RouterConfig,
  baseModel: string,
): { family: string | undefined; familyConfig: ReasoningFamilyConfig | undefined } {
  const family = config.model_config[baseModel]?.reasoning_family
  if (family === undefined || family === '') return { family: undefined, familyConfig: undefined }
  return { family, familyConfig: config.reasoning_families[family] }
}

/** Parameters that any configured family uses inside chat_template_kwargs. */
export function templateParams(config: RouterConfig): Set<string> {
  const params = new Set<string>()
  for (const fam of Object.values(config.reasoning_families))
    if (fam.type === 'chat_template_kwargs') params.add(fam.parameter)
  return params
}

export interface AppliedReasoning {
  /** The parameter written (`enable_thinking`, `reasoning_effort`, ...), if any. */
  readonly param: string | undefined
  /** Effort written into the body, if any. */
  readonly effortApplied: string | undefined
}

/** Mutates `body` for the target. Returns what was written. */
export function applyReasoning(
  body: ChatCompletionBody,
  target: ReasoningTarget,
  knownTemplateParams: ReadonlySet<string>,
): AppliedReasoning {
  const clientEffort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined
  delete body.reasoning_effort
  const kwargs = body.chat_template_kwargs
  if (kwargs && typeof kwargs === 'object') {
    for (const p of knownTemplateParams) delete kwargs[p]
    if (Object.keys(kwargs).length === 0) delete body.chat_template_kwargs
  }

  const fam = target.familyConfig
  if (!fam) return { param: undefined, effortApplied: undefined }
  if (fam.type === 'chat_template_kwargs') {
    const existing = body.chat_template_kwargs
    body.chat_template_kwargs = { ...(existing ?? {}), [fam.parameter]: target.enabled }
    return { param: fam.parameter, effortApplied: undefined }
  }
  const effort = target.enabled ? target.effort : (clientEffort ?? 'low')
  body[fam.parameter] = effort
  return { param: fam.parameter, effortApplied: target.enabled ? effort : undefined }
}
