/**
 * How a direct run turns reasoning on or off for a model: by its reasoning family, taken from the
 * router config's model_config + reasoning_families when given, else guessed from the model name
 * the way upstream's bench did (qwen3 → enable_thinking, deepseek → thinking, gpt-oss → effort).
 */
import type { Target } from './types.js'

export type ReasoningTemplate =
  | { readonly type: 'chat_template_kwargs'; readonly parameter: string }
  | { readonly type: 'reasoning_effort' }

const KNOWN: Record<string, ReasoningTemplate> = {
  qwen3: { type: 'chat_template_kwargs', parameter: 'enable_thinking' },
  deepseek: { type: 'chat_template_kwargs', parameter: 'thinking' },
  'gpt-oss': { type: 'reasoning_effort' },
  gpt: { type: 'reasoning_effort' },
}

export function familyFromName(model: string): string | undefined {
  const m = model.toLowerCase()
  if (m.includes('qwen3')) return 'qwen3'
  if (m.includes('deepseek')) return 'deepseek'
  if (m.includes('gpt-oss') || m.includes('gpt_oss')) return 'gpt-oss'
  return undefined
}

export interface FamilySources {
  /** model → family name (router config model_config[m].reasoning_family, or --reasoning-family). */
  readonly modelFamilies?: Readonly<Record<string, string>>
  /** family → template (router config reasoning_families). */
  readonly families?: Readonly<Record<string, { type: string; parameter: string }>>
}

export function templateFor(
  model: string,
  sources: FamilySources = {},
): ReasoningTemplate | undefined {
  const family = sources.modelFamilies?.[model] || familyFromName(model)
  if (family === undefined || family === '') return undefined
  const configured = sources.families?.[family]
  if (configured?.type === 'chat_template_kwargs') {
    return { type: 'chat_template_kwargs', parameter: configured.parameter }
  }
  if (configured?.type === 'reasoning_effort') return { type: 'reasoning_effort' }
  return KNOWN[family]
}

/**
 * A model benchmarked directly: reasoning off (`NR`), and on (`NR_REASONING`) when the model has a
 * reasoning template to switch it with.
 */
export function directTarget(model: string, endpoint: string, sources: FamilySources = {}): Target {
  return {
    id: `vllm::${model}`,
    kind: 'direct',
    endpoint,
    model,
    modes: templateFor(model, sources) ? ['NR', 'NR_REASONING'] : ['NR'],
  }
}

/** Body fields for reasoning on or off. Off is explicit (`false`, or effort `low` for gpt-oss). */
export function reasoningFields(template: ReasoningTemplate, on: boolean): Record<string, unknown> {
  if (template.type === 'chat_template_kwargs') {
    return { chat_template_kwargs: { [template.parameter]: on } }
  }
  return { reasoning_effort: on ? 'high' : 'low' }
}
