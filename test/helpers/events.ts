/** A finished request's DecisionEvent with plain defaults, for tests of what consumes events. */
import type { DecisionEvent } from '../../src/runtime/events.js'

export function sampleDecision(id: string, extra: Partial<DecisionEvent> = {}): DecisionEvent {
  return {
    type: 'decision',
    id,
    at: Date.now(),
    transport: 'gateway',
    outcome: 'forwarded',
    status: 200,
    requestedModel: 'MoM',
    autoRouted: true,
    category: 'math',
    confidence: 0.9,
    signals: [],
    candidates: [],
    selectedModel: 'm1',
    upstreamModel: 'm1',
    reasonCode: 'auto_routing',
    systemPromptInjected: false,
    endpoint: { name: 'e1', address: '127.0.0.1:1' },
    guards: {},
    latencyMs: 12,
    routingLatencyMs: 1,
    streaming: false,
    ...extra,
  }
}

/** Poll `check` until it holds; fails after `ms` (a guard for a loaded machine, not a bound). */
export async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
