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
 *
 * The effort the router reports (response header, `llm_reasoning_decisions_total`, logs, the
 * `classify` CLI) is the one in effect on the request: the configured effort when reasoning is on,
 * the effort actually sent when it is off (`low` for GPT-OSS), and none when nothing is sent.
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
  /** Effort written into the body, if any (on or off). */
  readonly effortApplied: string | undefined
}

/**
 * The effort to report for a decision: the configured one when reasoning is on (also for template
 * families, which only switch on/off, as upstream reports it), else whatever was sent, if anything.
 */
export function effortInEffect(
  target: Pick<ReasoningTarget, 'enabled' | 'effort'>,
  applied: AppliedReasoning,
): string | undefined {
  return target.enabled ? target.effort : applied.effortApplied
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
  return { param: fam.parameter, effortApplied: effort }
}
