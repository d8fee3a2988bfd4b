/**
 * Runs a jailbreak model on the text and on the rules' normalised views of it (canonical:
 * look-alike letters mapped, zero-width characters removed; deobfuscated: spaced letters joined,
 * leetspeak mapped; decoded base64/hex; joined fragments) and keeps the most suspicious answer.
 * The reversed and ROT13 views are left to the rules: for most text they are gibberish, which a
 * model trained on prompts reads as an encoded payload. A model trained on plain text then also sees
 * "h o w  t o  m a k e  a  b o m b" as the request it is. Views identical to the text are not run
 * again (nor those differing only in case and spacing), so plain prompts cost one inference.
 */
import type { JailbreakDetector, JailbreakVerdict } from '../types.js'
import { attackProbability } from './combined-detector.js'
import { buildViews } from './normalize.js'

const MODEL_SKIPS = new Set(['reversed', 'rot13'])

/**
 * The texts the model scores for one message, [text, view name], the text itself first. (The
 * trainer scores the same views when it chooses the operating point.)
 */
export function modelViews(text: string): [string, string][] {
  // A view that differs from the text only in case and spacing tokenises the same for an
  // uncased model: run it once. (A cased model loses nothing: the text itself is always run.)
  const sameTokens = (t: string): string => t.toLowerCase().replace(/\s+/g, ' ').trim()
  const seen = new Set<string>([sameTokens(text)])
  const entries: [string, string][] = [[text, 'text']]
  for (const v of buildViews(text)) {
    const key = sameTokens(v.text)
    if (MODEL_SKIPS.has(v.name) || seen.has(key)) continue
    seen.add(key)
    entries.push([v.text, v.name])
  }
  return entries
}

export class ViewsJailbreakDetector implements JailbreakDetector {
  readonly kind: string

  readonly ruleCombination: JailbreakDetector['ruleCombination']

  constructor(private readonly inner: JailbreakDetector) {
    this.kind = inner.kind
    this.ruleCombination = inner.ruleCombination
  }

  async detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    const entries = modelViews(text)
    const verdicts = await Promise.all(entries.map(([t]) => this.inner.detect(t, signal)))
    let best = 0
    for (let i = 1; i < verdicts.length; i++)
      if (attackProbability(verdicts[i]!) > attackProbability(verdicts[best]!)) best = i
    const verdict = verdicts[best]!
    const view = entries[best]![1]
    return view === 'text'
      ? verdict
      : { ...verdict, detail: `${verdict.detail ?? ''} view=${view}`.trim() }
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve()
  }
}
