import { z } from 'zod'

/** A probability-like threshold in [0, 1]. */
export const unitInterval = z.number().min(0).max(1)
export const nonNegativeInt = z.number().int().min(0)
export const port = z.number().int().min(1).max(65535)
/** Port allowing 0 ("pick a free port"), used by tests and the simulator. */
export const listenPort = z.number().int().min(0).max(65535)
export const reasoningEffort = z.enum(['low', 'medium', 'high'])
export type ReasoningEffort = z.infer<typeof reasoningEffort>

/**
 * Failure policy for a classifier or guard: `allow` lets the request through when inference fails
 * (fail-open), `block` treats the failure as a positive detection (fail-closed). The words say what
 * happens to the request, which is what an operator decides.
 */
export const onErrorPolicy = z.enum(['allow', 'block'])
export type OnErrorPolicy = z.infer<typeof onErrorPolicy>

/** How prompt_guard reads system and developer messages (src/guards/jailbreak/roles.ts). */
export const operatorMessages = z.enum(['full', 'rules'])
