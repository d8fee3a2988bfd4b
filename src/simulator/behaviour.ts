/**
 * How a simulated model behaves: timing, output length, reasoning, and injected faults.
 *
 * The TypeScript API takes camelCase objects; config files and the HTTP debug API take the same
 * fields in snake_case (the project's YAML convention). Both are validated by the zod schemas
 * here, so a bad value is rejected with its path whichever way it arrives.
 */
import { z } from 'zod'

/** A fault to inject into a response. Every field is optional; several can combine. */
export interface FaultSpec {
  /** Answer with this HTTP status and an OpenAI-shaped error body (simulated). */
  status?: number
  /** With `status`: a `Retry-After` header of this many seconds (as rate-limited APIs send). */
  retryAfter?: number
  /** Message for the error body. */
  message?: string
  /** Extra wait before the first token (or before the error response). */
  delayMs?: number
  /** Wait this long before sending the status line and headers. */
  slowHeadersMs?: number
  /** Close the connection after this many output tokens (mid-stream for SSE). */
  dropAfterTokens?: number
  /** Send a body (or one SSE event) that is not valid JSON. */
  malformed?: boolean
  /** Never answer; the request stays open until the client or the simulator closes it. */
  hang?: boolean
  /** Probability (0..1) that a request gets this fault; default 1. Seeded, so runs repeat. */
  rate?: number
}

export interface ModelBehaviour {
  /** Time to first token, milliseconds. */
  ttftMs: number
  /** Time per output token after the first, milliseconds. */
  tpotMs: number
  /** Content tokens per answer (before `max_tokens` caps it). */
  outputTokens: number
  /** Reasoning tokens at `reasoning_effort: low`; medium is 2x, high 4x. */
  reasoningTokens: number
  /** Whether the model honours reasoning fields at all (a model without a family ignores them). */
  supportsReasoning: boolean
  /** Requests served at once (like vLLM max_num_seqs); 0 = unlimited. Extra requests wait. */
  maxConcurrency: number
  /** Requests allowed to wait for a slot before the simulator answers 503; bounds memory. */
  maxWaiting: number
  /** Tokens per SSE event. */
  tokensPerChunk: number
  /** Fault applied to requests for this model (subject to its `rate`). */
  fault?: FaultSpec
}

export const DEFAULT_BEHAVIOUR: Readonly<ModelBehaviour> = Object.freeze({
  ttftMs: 0,
  tpotMs: 0,
  outputTokens: 32,
  reasoningTokens: 32,
  supportsReasoning: true,
  maxConcurrency: 0,
  maxWaiting: 1024,
  tokensPerChunk: 1,
})

const ms = z.number().min(0).max(600_000)
const tokens = z.number().int().min(0).max(1_000_000)

export const faultSchema = z.strictObject({
  status: z.number().int().min(100).max(599).optional(),
  retryAfter: z.number().int().min(0).max(86_400).optional(),
  message: z.string().max(2000).optional(),
  delayMs: ms.optional(),
  slowHeadersMs: ms.optional(),
  dropAfterTokens: tokens.optional(),
  malformed: z.boolean().optional(),
  hang: z.boolean().optional(),
  rate: z.number().min(0).max(1).optional(),
})

/** A partial behaviour (what callers pass); missing fields come from the defaults. */
export const behaviourPatchSchema = z.strictObject({
  ttftMs: ms.optional(),
  tpotMs: ms.optional(),
  outputTokens: tokens.optional(),
  reasoningTokens: tokens.optional(),
  supportsReasoning: z.boolean().optional(),
  maxConcurrency: z.number().int().min(0).max(100_000).optional(),
  maxWaiting: z.number().int().min(0).max(1_000_000).optional(),
  tokensPerChunk: z.number().int().min(1).max(10_000).optional(),
  fault: faultSchema.nullable().optional(),
})

export type BehaviourPatch = z.input<typeof behaviourPatchSchema>

/** Apply a validated patch; `fault: null` removes the fault. */
export function mergeBehaviour(base: ModelBehaviour, patch: BehaviourPatch): ModelBehaviour {
  const parsed = behaviourPatchSchema.parse(patch)
  const next: ModelBehaviour = { ...base }
  for (const [key, value] of Object.entries(parsed) as [keyof ModelBehaviour, unknown][]) {
    if (value === undefined) continue
    if (value === null) delete next[key]
    else (next as unknown as Record<string, unknown>)[key] = value
  }
  return next
}

/** snake_case → camelCase for config files and the HTTP API (`ttft_ms` → `ttftMs`). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = camelKeys(inner)
  }
  return out
}

/** Describe a zod failure as `path: message` lines. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ')
}
