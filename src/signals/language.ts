/**
 * `language`: the prompt's language (ISO 639-1), detected by tinyld's light model (MIT; loaded
 * only when a decision refers to a language signal). Confidence is the top language's share of
 * the top two scores, so a clear text gives ~1 and a near tie ~0.5; a rule matches when its code is
 * the top language and the confidence reaches its threshold (0 means upstream's default, 0.3).
 */
import { languageSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import type { SignalPlugin } from './types.js'

type LanguageRule = z.output<typeof languageSignalSchema>

const DEFAULT_THRESHOLD = 0.3

export interface DetectedLanguage {
  readonly language: string
  readonly confidence: number
}

type DetectAll = (text: string) => { lang: string; accuracy: number }[]

let detector: Promise<DetectAll> | undefined
function loadDetector(): Promise<DetectAll> {
  detector ??= import('tinyld/light').then((m) => m.detectAll)
  return detector
}

export function detectLanguage(detectAll: DetectAll, text: string): DetectedLanguage | undefined {
  const [top, second] = detectAll(text)
  if (!top || top.accuracy <= 0) return undefined
  return { language: top.lang, confidence: top.accuracy / (top.accuracy + (second?.accuracy ?? 0)) }
}

export const languageSignal: SignalPlugin<LanguageRule> = {
  kind: 'language',
  family: 'language',
  cost: 'model',
  description: 'the language of the prompt (ISO 639-1)',
  optionsSchema: languageSignalSchema,
  async create(_ctx, rules) {
    const detectAll = await loadDetector()
    return {
      evaluate(input) {
        const found = detectLanguage(detectAll, input.text)
        const matches = new Map<string, number>()
        if (found)
          for (const r of rules)
            if (r.name === found.language && found.confidence >= (r.threshold || DEFAULT_THRESHOLD))
              matches.set(r.name, found.confidence)
        return { matches, ...(found ? { evidence: { ...found } } : {}) }
      },
    }
  },
}
