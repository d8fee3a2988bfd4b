/** `system_prompt`: injects the category's system prompt (replace | insert) on auto routes. */
import { z } from 'zod'
import { injectSystemPrompt } from '../../routing/system-prompt.js'
import { PLUGIN_API_VERSION, type ModuleFactory } from '../types.js'

export const SYSTEM_PROMPT = 'system_prompt'

export const systemPromptModule: ModuleFactory = {
  kind: SYSTEM_PROMPT,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category'],
  writes: ['systemPromptInjected', 'body'],
  description: "Inject the category's system prompt",
  enabledByDefault: true,
  after: ['routing'],
  create({ tables }) {
    return {
      name: SYSTEM_PROMPT,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
        if (!ctx.autoRouted) return
        const category = tables.categories.get(ctx.category)
        if (!category) return
        if (injectSystemPrompt(ctx.request.body.messages, category)) {
          ctx.systemPromptInjected = true
          ctx.bodyChanged = true
        }
      },
    }
  },
}
