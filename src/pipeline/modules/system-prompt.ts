/** `system_prompt`: injects the decision's system prompt (replace | insert) on routed requests. */
import { z } from 'zod'
import { injectSystemPrompt } from '../../routing/system-prompt.js'
import { PLUGIN_API_VERSION, type ModuleFactory } from '../types.js'

export const SYSTEM_PROMPT = 'system_prompt'

export const systemPromptModule: ModuleFactory = {
  kind: SYSTEM_PROMPT,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['decision'],
  writes: ['systemPromptInjected', 'body'],
  description: "Inject the decision's system prompt (a classic category's system_prompt)",
  enabledByDefault: true,
  after: ['routing'],
  create() {
    return {
      name: SYSTEM_PROMPT,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
        const plugin = ctx.decision?.decision?.plugins.systemPrompt
        if (!ctx.autoRouted || !plugin) return
        if (injectSystemPrompt(ctx.request.body.messages, plugin)) {
          ctx.systemPromptInjected = true
          ctx.bodyChanged = true
        }
      },
    }
  },
}
