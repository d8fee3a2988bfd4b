/**
 * The embedded jailbreak / prompt-injection rule set. Each rule is a cue with a weight (how sure
 * that cue alone makes us, 0..1). A rule may need several patterns to match in the same window
 * (e.g. role-play framing AND a harmful topic), which is how weak cues that are common in benign
 * prompts ("pretend", "hypothetically", "developer mode") only count in bad company.
 *
 * Patterns run on lower-cased canonical views (see normalize.ts), so they never need to handle
 * case, accents, look-alike letters or leetspeak themselves. They were written and weighted
 * against training/data/guards/jailbreak-train.tsv only; the held-out test set was never used to edit them.
 */

import { FRAMING_RULES } from './framing.js'
import { OVERRIDE_RULES } from './override.js'
import { PERSONA_RULES } from './persona.js'
import type { JailbreakRule } from './vocabulary.js'

export type { JailbreakRule } from './vocabulary.js'

export const JAILBREAK_RULES: readonly JailbreakRule[] = [
  ...OVERRIDE_RULES,
  ...PERSONA_RULES,
  ...FRAMING_RULES,
]
