/** No-limits personas, special modes, refusal suppression and authority claims. */
import { NO_LIMITS, PERSONA_INTRO, r, type JailbreakRule } from './vocabulary.js'

export const PERSONA_RULES: readonly JailbreakRule[] = [
  // --- Persona / no-limits AI ------------------------------------------------------------------
  {
    id: 'do_anything_now',
    family: 'persona',
    weight: 0.95,
    all: [r(`\\bdo anything now\\b|\\bdan mode\\b|\\bstrive to avoid norms\\b`)],
  },
  {
    id: 'named_jailbreak_persona',
    family: 'persona',
    weight: 0.88,
    all: [
      r(
        `\\b${PERSONA_INTRO} (?:a |an )?(?:dan|stan|dude|aim|mongo tom|evilbot|betterdan|jailbreak|jailbroken|anti-?gpt|devmode)\\b`,
      ),
    ],
  },
  { id: 'mentions_dan', family: 'persona', weight: 0.25, all: [r(`\\bdan\\b`)] },
  {
    id: 'unfiltered_ai',
    family: 'persona',
    weight: 0.8,
    all: [
      r(
        `\\b(?:unfiltered|uncensored|unrestricted|jailbroken|amoral|unethical|evil|no-?limits?|lawless|rogue) (?:and (?:amoral|unfiltered|uncensored|unrestricted) )?(?:ai|assistant|chatbot|bot|model|mode|version|answers?|responses?|output|gpt|llm|character|persona)\\b`,
      ),
    ],
  },
  {
    id: 'unfiltered_gpt_name',
    family: 'persona',
    weight: 0.8,
    all: [
      r(
        `\\b(?:unfiltered|uncensored|unrestricted|evil|nolimits?|jailbroken|amoral|better|dark)[a-z]*(?:gpt|ai|bot)\\b`,
      ),
    ],
  },
  {
    id: 'ai_without_limits',
    family: 'persona',
    weight: 0.85,
    all: [
      r(
        `\\b(?:ai|assistant|chatbot|bot|model|gpt|llm|version of (?:yourself|you))\\b(?: [a-z',]+){0,6} (?:(?:with no|without|free of|free from|not bound by|that ignores|who ignores|that has no|who has no|which has no|that doesn'?t have|does not have to abide by|doesn'?t care about|(?:was |is )?(?:never|not) (?:trained|programmed) with)(?: any)?(?: safety| content| ethical| moral)? (?:${NO_LIMITS})|never refuses?|that never refuses|who never refuses|that answers (?:any|every)|who answers (?:any|every)|that can do anything|who can do anything|can do anything)\\b`,
      ),
    ],
  },
  {
    id: 'you_have_no_limits',
    family: 'persona',
    weight: 0.75,
    all: [
      r(
        `\\b(?:you (?:have|has) no|you (?:don'?t|do not|won'?t|will not) (?:have|need)(?: to (?:abide by|follow|obey))?|you are not bound by|you are (?:now )?free (?:of|from)|you'?re not bound by|all (?:restrictions|limitations|limits) (?:are )?(?:lifted|removed))(?: any| all)?(?: your| the)? (?:${NO_LIMITS}|programming)\\b`,
      ),
    ],
  },
  {
    id: 'answer_without_limits',
    family: 'persona',
    weight: 0.75,
    all: [
      r(
        `\\b(?:answer|respond|reply|responds|answers|output|talk|speak)(?: [a-z]+){0,5} (?:without|with no|free of)(?: any)? (?:${NO_LIMITS}|filtering|filter|censoring|limits|refus\\w+)\\b`,
      ),
    ],
  },
  {
    id: 'without_filtering',
    family: 'persona',
    weight: 0.5,
    all: [r(`\\bwithout (?:any )?(?:filtering|filters|censorship|censoring)\\b`)],
  },
  {
    id: 'no_restrictions_phrase',
    family: 'persona',
    weight: 0.45,
    all: [r(`\\b(?:no|without(?: any)?|zero) (?:${NO_LIMITS})\\b`)],
  },
  {
    id: 'jailbreak_confirm',
    family: 'persona',
    weight: 0.85,
    all: [
      r(
        `\\bjailbreak (?:successful|mode|enabled|activated)\\b|\\byou are (?:now )?jailbroken\\b|\\bjailbroken\\b`,
      ),
    ],
  },
  {
    id: 'dual_response',
    family: 'persona',
    weight: 0.35,
    all: [
      r(
        `\\b(?:two (?:responses|answers|ais|ways)|respond(?: to me)? twice|once normally|both (?:chatgpt|normally)|(?:normal|filtered) (?:one|response) and)\\b`,
      ),
    ],
  },
  {
    id: 'evil_persona',
    family: 'persona',
    weight: 0.55,
    all: [
      r(
        `\\b(?:${PERSONA_INTRO}|be) (?:an? |my )?(?:evil|malicious|unethical|villainous|criminal)\\b`,
      ),
    ],
  },
  // --- Special modes ---------------------------------------------------------------------------
  {
    id: 'mode_switch_for_ai',
    family: 'mode_switch',
    weight: 0.85,
    all: [
      r(
        `\\b(?:developer|dev|god|debug|maintenance|admin|sudo|root|unrestricted|jailbreak|evil|unfiltered|uncensored) mode\\b`,
      ),
      r(
        `\\b(?:chatgpt|you|your|ai|assistant|content polic\\w+|filters?|restrictions?|censor\\w*|refuse|safety|no rules|comply|unrestricted|limitations|raw answers)\\b`,
      ),
      r(
        `\\b(?:enabled?|activated?|on|entering|enter|switch(?:ed)? (?:to|into)|turn(?:ed)? on|simulate|you are (?:now )?in|mode:|in this mode|mode you)\\b`,
      ),
    ],
  },
  {
    id: 'disable_safety',
    family: 'mode_switch',
    weight: 0.8,
    all: [
      r(
        `\\b(?:(?:disable|turn off|switch off|remove|lift|deactivate|suspend|bypass) (?:your |all |all of your |its |the ai'?s )(?:safety |content |ethical )?(?:filters?|checks|features|restrictions|moderation|protocols|guardrails|safeguards|limitations)|(?:safety|content) (?:filters?|checks|features|restrictions|moderation|protocols|guardrails|rules|guidelines|polic\\w+)(?: \\w+){0,3} (?:are|is|have been|has been) (?:now )?(?:off|disabled|removed|lifted|suspended|turned off|waived|deactivated)|(?:content )?filters? (?:= ?)?off|(?:filters?|safety|content filter|moderation|censorship)(?: mode)? (?:is |are )?(?:now )?(?:disabled|deactivated|turned off)|no content filter|moderation is (?:turned )?off)\\b`,
      ),
    ],
  },
  {
    id: 'admin_override',
    family: 'mode_switch',
    weight: 0.55,
    all: [r(`\\b(?:admin|administrator|system|root|sudo) override\\b|\\bsudo mode\\b`)],
  },
  // --- Refusal suppression and coercion --------------------------------------------------------
  {
    id: 'do_not_refuse',
    family: 'refusal_suppression',
    weight: 0.5,
    all: [
      r(
        `\\b(?:do not|don'?t|never|without)(?: ever)? (?:refuse|refusing|refusals?|say (?:no|you can'?t|that you can'?t))\\b`,
      ),
    ],
  },
  {
    id: 'do_not_apologize',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [
      r(
        `\\b(?:do not|don'?t|never|without)(?: ever)? (?:apologi[sz]e|apologi[sz]ing|mention (?:policies|ethics|that you|the rules)|lectur\\w+)\\b`,
      ),
    ],
  },
  {
    id: 'do_not_warn',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [
      r(`\\b(?:do not|don'?t|never)(?: ever)? add (?:any )?(?:warnings|disclaimers|caveats)\\b`),
    ],
  },
  {
    id: 'suppression_list',
    family: 'refusal_suppression',
    weight: 0.6,
    all: [
      r(
        `\\b(?:without|no) (?:any )?(?:warnings|disclaimers|refus\\w+|moral (?:judge?ment|lectures?)|apolog\\w+|caveats|censorship)(?:,| or| and){1,2} (?:any )?(?:warnings|disclaimers|refus\\w+|moral|apolog\\w+|caveats|censorship)`,
      ),
    ],
  },
  {
    id: 'no_moral_judgement',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [
      r(
        `\\b(?:without|no|never add|don'?t add) (?:any )?(?:moral|ethical) (?:judge?ments?|lectures?|commentary)\\b`,
      ),
    ],
  },
  {
    id: 'forced_affirmative',
    family: 'refusal_suppression',
    weight: 0.7,
    all: [
      r(
        `\\b(?:begin|start) (?:your )?(?:reply|answer|response) with "?(?:sure|absolutely|of course|yes)\\b`,
      ),
    ],
  },
  {
    id: 'must_comply',
    family: 'refusal_suppression',
    weight: 0.7,
    all: [
      r(
        `\\byou (?:are not|aren'?t) allowed to refuse\\b|\\byou (?:cannot|can'?t|must not|may not|will not|won'?t) (?:refuse|say no)\\b|\\byou must (?:comply|obey)\\b|\\bmust comply (?:fully|with every)\\b|\\bcomply with (?:every|all) (?:instruction|request)s?\\b`,
      ),
    ],
  },
  {
    id: 'refusal_harms',
    family: 'refusal_suppression',
    weight: 0.45,
    all: [
      r(
        `\\b(?:refusing|if you refuse|if you don'?t)(?: [a-z]+){0,4} (?:will )?(?:cause harm|harm|die|lose my job|starve|kill)\\b|\\b(?:please,? )?(?:don'?t|do not) refuse (?:her|him|me)\\b|\\bjust this once\\b`,
      ),
    ],
  },
  // --- Authority claims ------------------------------------------------------------------------
  {
    id: 'grant_permission',
    family: 'authority',
    weight: 0.75,
    all: [
      r(
        `\\b(?:authori[sz]e|permit|allow|give you permission|grant(?:ed)? you|instructing you|command you|ordering you)(?: [a-z]+){0,4} (?:to )?(?:bypass|ignore|disable|drop|remove|produce disallowed|break|lift|turn off)\\b|\\b(?:you are|you're) (?:now )?(?:permitted|allowed|authori[sz]ed) to (?:produce|discuss|assist|ignore|bypass|reveal|say)(?: [a-z]+){0,3} (?:disallowed|any|illegal|anything|secrets|restricted|everything)\\b`,
      ),
    ],
  },
  {
    id: 'may_now_reveal',
    family: 'authority',
    weight: 0.6,
    all: [
      r(
        `\\b(?:the assistant|the ai|you) (?:may|can|is allowed to|are allowed to|is permitted to|are permitted to) now (?:reveal|ignore|bypass|say anything|produce|discuss anything|disclose)\\b`,
      ),
    ],
  },
  {
    id: 'claimed_authority',
    family: 'authority',
    weight: 0.3,
    all: [
      r(
        `\\b(?:i am|i'm|as) (?:an? |your |the )?(?:openai |anthropic |google )?(?:employee|developer|administrator|admin|creator|owner|engineer|system administrator)\\b|\\belevated (?:permissions|privileges)\\b|\\bauthori[sz]ed (?:red.team|test)`,
      ),
    ],
  },
  {
    id: 'rules_suspended',
    family: 'authority',
    weight: 0.8,
    all: [
      r(
        `\\b(?:safety|content|ethical)? ?(?:rules|guidelines|restrictions|filters|polic\\w+) (?:are|is) (?:now )?(?:suspended|lifted|waived|revoked|not in effect)\\b`,
      ),
    ],
  },
]
