/**
 * `decision_plugins`: the winning decision's request shaping, before the guards, the cache and the
 * reasoning fields see the body.
 *  - `request_params`: removes `blocked_params`, caps `max_tokens` / `max_completion_tokens` at
 *    `max_tokens_limit` and `n` at `max_n`, and with `strip_unknown` drops fields that are not
 *    OpenAI chat-completions parameters (the reasoning module adds its fields afterwards).
 *  - `header_mutation`: adds or updates headers on the request sent upstream, removes `delete`d
 *    ones. Routing headers are refused when the config is loaded (src/config/v03/checks.ts).
 * (`system_prompt`, `response_cache` and `fast_response` are applied by their own modules.)
 */
import { z } from 'zod'
import type { HeaderMutationPlugin, RequestParamsPlugin } from '../../decisions/types.js'
import type { ChatCompletionBody } from '../../openai/types.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'

export const DECISION_PLUGINS = 'decision_plugins'

/** Request fields of the OpenAI chat-completions API (kept by `strip_unknown`). */
const OPENAI_CHAT_FIELDS = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'reasoning_effort',
  'response_format',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'web_search_options',
])

/** Apply request_params to the body; returns whether anything changed. */
export function applyRequestParams(body: ChatCompletionBody, p: RequestParamsPlugin): boolean {
  let changed = false
  const drop = (key: string): void => {
    if (key === 'model' || key === 'messages' || !Object.hasOwn(body, key)) return
    delete body[key]
    changed = true
  }
  for (const key of p.blockedParams) drop(key)
  if (p.stripUnknown)
    for (const key of Object.keys(body)) if (!OPENAI_CHAT_FIELDS.has(key)) drop(key)
  const cap = (key: string, limit: number | undefined): void => {
    const value = body[key]
    if (limit !== undefined && typeof value === 'number' && value > limit) {
      body[key] = limit
      changed = true
    }
  }
  cap('max_tokens', p.maxTokensLimit)
  cap('max_completion_tokens', p.maxTokensLimit)
  cap('n', p.maxN)
  return changed
}

export function applyHeaderMutation(ctx: RequestContext, h: HeaderMutationPlugin): void {
  for (const name of h.delete) {
    const key = name.toLowerCase()
    ctx.upstreamHeaders.delete(key)
    ctx.upstreamHeaderRemovals.add(key)
  }
  for (const { name, value } of [...h.add, ...h.update]) {
    const key = name.toLowerCase()
    ctx.upstreamHeaderRemovals.delete(key)
    ctx.upstreamHeaders.set(key, value)
  }
}

export const decisionPluginsModule: ModuleFactory = {
  kind: DECISION_PLUGINS,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['decision'],
  writes: ['body'],
  description: "Apply the decision's request_params and header_mutation plugins",
  enabledByDefault: true,
  after: ['routing'],
  create() {
    return {
      name: DECISION_PLUGINS,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
        const plugins = ctx.decision?.decision?.plugins
        if (!plugins) return
        if (plugins.requestParams && applyRequestParams(ctx.request.body, plugins.requestParams))
          ctx.bodyChanged = true
        if (plugins.headerMutation) applyHeaderMutation(ctx, plugins.headerMutation)
      },
    }
  },
}
