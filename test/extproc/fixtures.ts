/** Router config shared by the ext_proc conformance tests: deterministic keyword routing. */
export const ROUTER_YAML = `
vllm_endpoints:
  - { name: big, address: 127.0.0.1, port: 9001, weight: 2 }
  - { name: small, address: 127.0.0.2, port: 9002, weight: 1 }
model_config:
  qwen3-32b: { reasoning_family: qwen3, preferred_endpoints: [big], pricing: { prompt_per_1m: 1, completion_per_1m: 2 } }
  deepseek-v3: { reasoning_family: deepseek, preferred_endpoints: [big] }
  gpt-oss-20b: { reasoning_family: gpt-oss, preferred_endpoints: [small] }
  plain-model: {}
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
  deepseek: { type: chat_template_kwargs, parameter: thinking }
  gpt-oss: { type: reasoning_effort, parameter: reasoning_effort }
default_reasoning_effort: medium
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
  - { category: algebra, operator: OR, keywords: [polynomial] }
  - { category: code, operator: OR, keywords: [python] }
  - { category: debugging, operator: OR, keywords: [stacktrace] }
  - { category: physics, operator: OR, keywords: [quantum] }
  - { category: trivia, operator: OR, keywords: [capital] }
categories:
  - name: math
    system_prompt: "You are a mathematician."
    model_scores: [{ model: qwen3-32b, score: 0.9, use_reasoning: true }]
  - name: algebra
    model_scores: [{ model: qwen3-32b, score: 0.9, use_reasoning: false }]
  - name: code
    model_scores: [{ model: deepseek-v3, score: 1, use_reasoning: true }]
  - name: debugging
    model_scores: [{ model: deepseek-v3, score: 1, use_reasoning: false }]
  - name: physics
    model_scores: [{ model: gpt-oss-20b, score: 1, use_reasoning: true, reasoning_effort: high }]
  - name: trivia
    model_scores: [{ model: gpt-oss-20b, score: 1, use_reasoning: false }]
default_model: qwen3-32b
`

export function chat(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content }], ...extra })
}
