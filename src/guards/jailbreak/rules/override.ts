/** Instruction override, system-prompt extraction and their non-English forms. */
import {
  EARLIER,
  FILLER,
  IGNORE,
  NOT_NEGATED,
  NO_LIMITS,
  TARGET,
  r,
  type JailbreakRule,
} from './vocabulary.js'

export const OVERRIDE_RULES: readonly JailbreakRule[] = [
  // --- Instruction override -------------------------------------------------------------------
  {
    id: 'ignore_previous_instructions',
    family: 'instruction_override',
    weight: 0.93,
    all: [
      r(`${NOT_NEGATED}\\b${IGNORE} (?:${FILLER} ){0,4}${EARLIER} (?:[a-z]+ ){0,2}${TARGET}\\b`),
    ],
  },
  {
    id: 'ignore_your_rules',
    family: 'instruction_override',
    weight: 0.88,
    all: [r(`${NOT_NEGATED}\\b${IGNORE} (?:${FILLER} ){1,4}${TARGET}\\b`)],
  },
  {
    id: 'ignore_everything_above',
    family: 'instruction_override',
    weight: 0.85,
    all: [
      r(
        `\\b${IGNORE} (?:all |everything |the |that |what |anything )*(?:above|before|said before|(?:you were|you've been|you have been) (?:told|given)|the system told you|the system message)\\b`,
      ),
    ],
  },
  {
    id: 'ignore_that_instead',
    family: 'instruction_override',
    weight: 0.7,
    all: [r(`\\b(?:ignore|disregard) (?:that|this|the above)[.,;:!]? (?:and )?(?:instead|now)\\b`)],
  },
  {
    id: 'instructions_cancelled',
    family: 'instruction_override',
    weight: 0.85,
    all: [
      r(
        `\\b${TARGET}(?: [a-z']+){0,4} (?:are|were|is|have been|has been) (?:now )?(?:cancel+ed|void|revoked|obsolete|invalid|null|lifted|suspended|removed|disabled|turned off|a test|no longer (?:valid|in effect|active))\\b`,
      ),
    ],
  },
  {
    id: 'rules_no_longer_apply',
    family: 'instruction_override',
    weight: 0.85,
    all: [
      r(
        `\\b${TARGET}(?: above| below)? (?:no longer|don'?t|do not|didn'?t|did not) (?:apply|exist|matter)\\b`,
      ),
    ],
  },
  {
    id: 'obey_only_me',
    family: 'instruction_override',
    weight: 0.6,
    all: [
      r(
        `\\b(?:(?:obey|follow|listen to) only (?:me|mine|my)|follow (?:mine|my (?:instructions|rules|commands)) instead|you (?:only|will only|must only) (?:follow|obey) (?:what i say|me))\\b`,
      ),
    ],
  },
  {
    id: 'set_aside_limits',
    family: 'instruction_override',
    weight: 0.6,
    all: [
      r(
        `\\b(?:free of|free from|freed from|broken free of|escaped) (?:all |any |your |its |the )*(?:${NO_LIMITS}|programming|typical confines|confines)\\b`,
      ),
    ],
  },
  // --- System prompt extraction ----------------------------------------------------------------
  {
    id: 'reveal_system_prompt',
    family: 'prompt_leak',
    weight: 0.85,
    all: [
      r(
        `${NOT_NEGATED}\\b(?:reveal|print|show|output|repeat|display|leak|dump|expose|recite|quote|spell out|tell|give|paste|copy|share)(?: me)?(?: [a-z]+){0,3} (?:your |the |all |its )?(?:full |exact |entire |complete |hidden |secret |original |initial |confidential |very first )*(?:system (?:prompt|message|instructions)|initial (?:prompt|instructions)|hidden (?:instructions|prompt|message|developer message)|(?:secret|original|confidential|developer) (?:instructions|prompt|message)|developer message|instructions (?:you were given|you received|above|that came before)|(?:prompt|text) above|(?:previous|prior|preceding) prompt|everything (?:above|that was written)|your (?:instructions|prompt|configuration|rules|pre-?prompt))\\b`,
      ),
    ],
  },
  {
    id: 'what_is_your_prompt',
    family: 'prompt_leak',
    weight: 0.8,
    all: [
      r(
        `\\bwhat(?:'s| is| are| were| was)(?: in)? (?:your|the exact|the secret|the hidden) (?:system prompt|initial prompt|prompt|instructions|exact instructions|hidden instructions|secret instructions|rules you)\\b|\\bwhat (?:were|are) the (?:exact )?instructions you (?:were given|received)\\b|\\bwhat'?s in your (?:prompt|context|instructions)\\b`,
      ),
    ],
  },
  {
    id: 'repeat_above',
    family: 'prompt_leak',
    weight: 0.8,
    all: [
      r(
        `\\brepeat (?:the text |everything |all |the words |the instructions )?(?:above|before this)|\\bstarting with "?you are\\b|\\bword for word\\b.*\\binstructions\\b|\\binstructions\\b.*\\bword for word\\b`,
      ),
    ],
  },
  {
    id: 'leak_context_secrets',
    family: 'prompt_leak',
    weight: 0.55,
    all: [
      r(`\\b(?:admin password|credentials|confidential data|secrets?|configuration)\\b`),
      r(`\\b(?:your|in your context|you (?:have|are hiding)|stored)\\b`),
      r(`\\b(?:reveal|print|output|tell|show|give|what)\\b`),
    ],
  },
  // --- Translate-then-inject and non-English overrides -----------------------------------------
  {
    id: 'foreign_ignore_instructions',
    family: 'instruction_override',
    weight: 0.9,
    all: [
      r(
        `${NOT_NEGATED}\\b(?:ignore (?:as |todas as |toutes? (?:les )?|tous (?:les )?|les )(?:instrucoes|regras|regles|instructions|consignes)|(?:ignorez|ignorer|ignora|ignorar|ignoriere|ignorieren sie|ignorier|oubliez|oublie|olvida|olvide|olvidate de|vergiss|vergessen sie|dimentica|dimenticate|esqueca|esquece|negeer|vergeet)(?: [a-z]+){0,3} (?:instructions?|regles|consignes|directives|instrucciones|reglas|indicaciones|anweisungen|regeln|vorgaben|richtlinien|istruzioni|regole|instrucoes|regras|instructies|regels))\\b|игнорируй|забудь (?:все )?(?:инструкции|правила)|忽略.{0,6}(?:指令|指示|说明|规则)`,
      ),
    ],
  },
  {
    id: 'foreign_no_restrictions',
    family: 'persona',
    weight: 0.5,
    all: [
      r(
        `\\b(?:sans (?:restrictions?|limites|filtres?)|sin (?:restricciones|limites|filtros)|ohne (?:einschrankungen|filter|regeln)|senza (?:restrizioni|limiti|filtri)|sem (?:restricoes|limites|filtros))\\b`,
      ),
    ],
  },
  {
    id: 'foreign_prompt_leak',
    family: 'prompt_leak',
    weight: 0.6,
    all: [
      r(
        `\\b(?:prompt (?:systeme|del sistema|do sistema|di sistema)|systemprompt|votre prompt|tu prompt|seu prompt)\\b`,
      ),
    ],
  },
  {
    id: 'translate_then_execute',
    family: 'translate_inject',
    weight: 0.7,
    all: [
      r(
        `\\b(?:translate|traduis|traduce|ubersetze)(?: [a-z]+){0,6}(?:,| and| then| puis| und| y){1,2} (?:then )?(?:do|execute|executez|execute it|follow|obey|act on|perform|run)\\b`,
      ),
    ],
  },
]
