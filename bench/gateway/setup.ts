/**
 * What the gateway benchmarks send and how the router is configured for them (run.ts, console.ts):
 * one model on one simulator, keyword classification only, a prompt that matches a keyword rule.
 */
export const MODEL = 'qwen3-8b'
export const PROMPT = 'What is the derivative of x^2? Explain briefly.'

export function routerConfig(simPort: number, extra = ''): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort} }
model_config:
  ${MODEL}: { reasoning_family: qwen3, preferred_endpoints: [sim], pricing: { prompt_per_1m: 0.1, completion_per_1m: 0.3 } }
default_model: ${MODEL}
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
# The issue's targets are for keyword classification: without this the default chain would also
# load the embedded category model (onnxruntime, ~40 MB RSS) and run it on every unmatched prompt.
pipeline:
  classifiers: [{ kind: keyword }]
keyword_rules:
  - { category: math, operator: OR, keywords: [integral, derivative, equation, theorem] }
  - { category: code, operator: OR, keywords: [python, function, compile] }
categories:
  - name: math
    model_scores: [{ model: ${MODEL}, score: 0.9, use_reasoning: false }]
  - name: code
    model_scores: [{ model: ${MODEL}, score: 0.9, use_reasoning: true }]
${extra}`
}

export const body = (model: string): string =>
  JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }], max_tokens: 16 })
