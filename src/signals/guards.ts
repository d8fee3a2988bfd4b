/**
 * `jailbreak` and `pii`: the router's guard detectors (prompt_guard, the PII detector) as signals,
 * so a decision can block, re-route or reshape a request instead of the classic all-or-nothing
 * block. Each rule scans the current user message, or every message (system, assistant, tool
 * results too) with `include_history`; the jailbreak detector reads each message as its role asks
 * (prompt_guard.operator_messages, src/guards/jailbreak/roles.ts). A detector failure follows the
 * guard's `on_error`: `allow` skips that text, `block` counts it as a match (it could not be shown
 * safe).
 *  - jailbreak: matches when an attack verdict reaches the rule's threshold (confidence = score).
 *  - pii: matches when an entity at or above the threshold has a type not in `pii_types_allowed`
 *    (empty list: any PII).
 */
import { jailbreakSignalSchema, piiSignalSchema } from '../config/schema/v03/signals.js'
import type { OnErrorPolicy } from '../config/schema/common.js'
import { OPERATOR_ROLES } from '../guards/jailbreak/roles.js'
import { scannableTexts } from '../guards/message-texts.js'
import type { JailbreakVerdict, PiiEntity } from '../guards/types.js'
import type { z } from 'zod'
import type { SignalInput, SignalPlugin } from './types.js'

type JailbreakRule = z.output<typeof jailbreakSignalSchema>
type PiiRule = z.output<typeof piiSignalSchema>

/** Results for the current message and for the other messages (scanned only when needed). */
interface Scan<T> {
  readonly current: readonly (T | 'failed')[]
  readonly history: readonly (T | 'failed')[]
}

/**
 * The role the current text is read as: a user's, unless the request has no user message and
 * only operator messages (then the current text is theirs).
 */
function currentRole(input: SignalInput): string {
  if (input.request.userText !== '') return 'user'
  const texts = scannableTexts(input.request.body)
  return texts.every((t) => OPERATOR_ROLES.has(t.role)) ? 'system' : 'user'
}

async function scan<T>(
  input: SignalInput,
  withHistory: boolean,
  detect: (text: string, role: string, signal?: AbortSignal) => Promise<T>,
): Promise<Scan<T>> {
  const run = (text: string, role: string): Promise<T | 'failed'> =>
    detect(text, role, input.signal).catch(() => 'failed' as const)
  const others = withHistory
    ? scannableTexts(input.request.body).filter((t) => t.text !== input.text)
    : []
  const [current, history] = await Promise.all([
    Promise.all(input.text === '' ? [] : [run(input.text, currentRole(input))]),
    Promise.all(others.map((t) => run(t.text, t.role))),
  ])
  return { current, history }
}

const resultsFor = <T>(s: Scan<T>, history: boolean) =>
  history ? [...s.current, ...s.history] : s.current

export const jailbreakSignal: SignalPlugin<JailbreakRule> = {
  kind: 'jailbreak',
  family: 'jailbreak',
  cost: 'model',
  description: 'the jailbreak detector scores the prompt at or above the threshold',
  optionsSchema: jailbreakSignalSchema,
  async create({ config, services }, rules) {
    const detector = await services.jailbreakDetector()
    const onError: OnErrorPolicy = config.prompt_guard.on_error
    const history = rules.some((r) => r.include_history)
    return {
      async evaluate(input) {
        const matches = new Map<string, number>()
        if (!detector) return { matches }
        const s = await scan<JailbreakVerdict>(input, history, (t, role, sig) =>
          detector.forRole(role).detect(t, sig),
        )
        let top = 0
        for (const rule of rules) {
          let score = 0
          for (const v of resultsFor(s, rule.include_history)) {
            if (v === 'failed') score = onError === 'block' ? 1 : score
            else if (v.isJailbreak) score = Math.max(score, v.confidence)
          }
          top = Math.max(top, score)
          if (score > 0 && score >= rule.threshold) matches.set(rule.name, score)
        }
        return { matches, evidence: { score: top } }
      },
    }
  },
}

export const piiSignal: SignalPlugin<PiiRule> = {
  kind: 'pii',
  family: 'pii',
  cost: 'model',
  description: 'the PII detector finds an entity of a type the rule does not allow',
  optionsSchema: piiSignalSchema,
  async create({ config, services }, rules) {
    const detector = await services.piiDetector()
    const onError: OnErrorPolicy = config.classifier.pii_model.on_error
    const history = rules.some((r) => r.include_history)
    return {
      async evaluate(input) {
        const matches = new Map<string, number>()
        if (!detector) return { matches }
        const s = await scan<PiiEntity[]>(input, history, (t, _role, sig) =>
          detector.detect(t, sig),
        )
        const types = new Set<string>()
        for (const rule of rules) {
          const allowed = new Set(rule.pii_types_allowed)
          let score = 0
          for (const found of resultsFor(s, rule.include_history)) {
            if (found === 'failed') {
              if (onError === 'block') score = 1
              continue
            }
            for (const e of found)
              if (e.confidence >= rule.threshold && !allowed.has(e.type)) {
                types.add(e.type)
                score = Math.max(score, e.confidence)
              }
          }
          if (score > 0) matches.set(rule.name, score)
        }
        return { matches, evidence: { types: [...types].sort() } }
      },
    }
  },
}
