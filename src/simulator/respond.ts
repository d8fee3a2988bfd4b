/**
 * Writes a simulated completion: JSON in one piece, or SSE chunks on vLLM's schedule (role chunk
 * with the first token, token chunks every `tpotMs`, a final chunk with `finish_reason`, a usage
 * chunk when `stream_options.include_usage`, then `data: [DONE]`). Faults that act on the body
 * (drop, malformed) are applied here.
 */
import type { ServerResponse } from 'node:http'
import type { FaultSpec, ModelBehaviour } from './behaviour.js'
import type { OutputPlan } from './generate.js'
import { cutConnection, SIMULATOR_HEADER, SIMULATOR_NAME, sleep, writeChunk } from './http-util.js'
import type { SimulatorMetrics } from './metrics.js'

export interface CompletionMeta {
  readonly id: string
  readonly model: string
  readonly created: number
  readonly promptTokens: number
  readonly plan: OutputPlan
  readonly behaviour: ModelBehaviour
  readonly fault: FaultSpec | undefined
  /** performance.now() when the request arrived. */
  readonly started: number
  readonly metrics: SimulatorMetrics
  readonly labels: Record<string, string>
}

export function usageOf(meta: CompletionMeta): Record<string, unknown> {
  const reasoning = meta.plan.reasoning.length
  const completion = reasoning + meta.plan.content.length
  return {
    prompt_tokens: meta.promptTokens,
    completion_tokens: completion,
    total_tokens: meta.promptTokens + completion,
    ...(reasoning > 0 ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
  }
}

/** When token `i` (0-based) is due, in ms after the request started. */
function dueAt(meta: CompletionMeta, i: number): number {
  const { ttftMs, tpotMs } = meta.behaviour
  return (meta.fault?.delayMs ?? 0) + ttftMs + i * tpotMs
}

async function waitUntil(meta: CompletionMeta, offsetMs: number, signal: AbortSignal) {
  await sleep(meta.started + offsetMs - performance.now(), signal)
}

function recordSuccess(meta: CompletionMeta, firstTokenAt: number): void {
  const { metrics, labels, plan } = meta
  metrics.add('vllm:prompt_tokens_total', labels, meta.promptTokens)
  metrics.add('vllm:generation_tokens_total', labels, plan.reasoning.length + plan.content.length)
  metrics.add('vllm:request_success_total', { ...labels, finished_reason: plan.finishReason })
  metrics.observe('vllm:time_to_first_token_seconds', labels, (firstTokenAt - meta.started) / 1000)
  metrics.observe(
    'vllm:e2e_request_latency_seconds',
    labels,
    (performance.now() - meta.started) / 1000,
  )
}

export async function jsonCompletion(
  res: ServerResponse,
  meta: CompletionMeta,
  signal: AbortSignal,
): Promise<string> {
  const total = meta.plan.reasoning.length + meta.plan.content.length
  await waitUntil(meta, dueAt(meta, 0), signal)
  const firstTokenAt = performance.now()
  await waitUntil(meta, dueAt(meta, Math.max(0, total - 1)), signal)
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: meta.plan.content.join(''),
  }
  if (meta.plan.reasoning.length > 0) message['reasoning_content'] = meta.plan.reasoning.join('')
  let body = JSON.stringify({
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: SIMULATOR_NAME,
    choices: [{ index: 0, message, logprobs: null, finish_reason: meta.plan.finishReason }],
    usage: usageOf(meta),
  })
  if (meta.fault?.malformed === true)
    body = `${body.slice(0, Math.floor(body.length / 2))}<<simulated malformed JSON`
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [SIMULATOR_HEADER]: SIMULATOR_NAME,
  })
  if (meta.fault?.dropAfterTokens !== undefined) {
    // Promise a full body, deliver part of it, and cut the connection.
    res.write(body.slice(0, Math.floor(body.length / 3)))
    cutConnection(res)
    return 'fault'
  }
  res.end(body)
  recordSuccess(meta, firstTokenAt)
  return meta.fault?.malformed === true ? 'fault' : 'ok'
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`
}

export async function streamCompletion(
  res: ServerResponse,
  meta: CompletionMeta,
  includeUsage: boolean,
  signal: AbortSignal,
): Promise<string> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    [SIMULATOR_HEADER]: SIMULATOR_NAME,
  })
  res.flushHeaders()
  const base = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: SIMULATOR_NAME,
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })

  const tokens: { text: string; field: 'reasoning_content' | 'content' }[] = [
    ...meta.plan.reasoning.map((text) => ({ text, field: 'reasoning_content' as const })),
    ...meta.plan.content.map((text) => ({ text, field: 'content' as const })),
  ]
  const per = meta.behaviour.tokensPerChunk
  const drop = meta.fault?.dropAfterTokens
  let firstTokenAt = 0
  let sent = 0
  let malformedPending = meta.fault?.malformed === true
  await waitUntil(meta, dueAt(meta, 0), signal)
  if (drop === 0) {
    // Dies after the headers, before the first byte of the body (a replica killed mid-request).
    cutConnection(res)
    return 'fault'
  }
  firstTokenAt = performance.now()
  await writeChunk(res, chunk({ role: 'assistant', content: '' }), signal)
  while (sent < tokens.length) {
    if (drop !== undefined && sent >= drop) break
    const field = tokens[sent]!.field
    let end = sent
    const limit = Math.min(tokens.length, sent + per, drop ?? Infinity)
    while (end < limit && tokens[end]!.field === field) end++
    await waitUntil(meta, dueAt(meta, end - 1), signal)
    const text = tokens
      .slice(sent, end)
      .map((t) => t.text)
      .join('')
    if (malformedPending) {
      malformedPending = false
      await writeChunk(res, `data: {"id":"${meta.id}","choices":[{"delta":{"${field}":\n\n`, signal)
    } else {
      await writeChunk(res, chunk({ [field]: text }), signal)
    }
    sent = end
  }
  if (drop !== undefined) {
    cutConnection(res)
    return 'fault'
  }
  await writeChunk(res, chunk({}, meta.plan.finishReason), signal)
  if (includeUsage)
    await writeChunk(res, sse({ ...base, choices: [], usage: usageOf(meta) }), signal)
  res.end('data: [DONE]\n\n')
  recordSuccess(meta, firstTokenAt)
  return meta.fault?.malformed === true ? 'fault' : 'ok'
}
