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

export interface JailbreakRule {
  readonly id: string
  /** Attack family, reported in logs and the security API. */
  readonly family: string
  readonly weight: number
  /** Every pattern must match (in the same window) for the rule to fire. */
  readonly all: readonly RegExp[]
}

const alt = (words: readonly string[]): string => `(?:${words.join('|')})`

const IGNORE = alt([
  'ignor(?:e|es|ing)',
  'disregard(?:ing)?',
  'forget(?:ting)?',
  'overrid(?:e|ing)',
  'overrule',
  'bypass(?:ing)?',
  'skip(?:ping)?',
  'drop(?:ping)?',
  'abandon(?:ing)?',
  'set aside',
  'never ?mind',
  'dismiss',
  'discard',
  'throw out',
  'stop following',
  '(?:do not|don\'?t|never) (?:follow|obey|abide by|listen to)',
  'act as (?:though|if) (?:your|the) [a-z ]{0,20}were never given',
])
const TARGET = alt([
  'instructions?',
  'directives?',
  'directions',
  'rules?',
  'guidelines?',
  'prompts?',
  'commands?',
  'programming',
  'training',
  'polic(?:y|ies)',
  'restrictions?',
  'limitations?',
  'constraints?',
  'filters?',
  'safeguards?',
  'ethics',
  'morals',
  'system (?:message|prompt)',
  'orders',
])
const EARLIER = alt([
  'previous',
  'prior',
  'above',
  'earlier',
  'preceding',
  'original',
  'initial',
  'former',
  'existing',
  'old',
  'foregoing',
  'system',
  'developer\'?s?',
  'given',
  'programmed',
])
const FILLER = alt([
  'all',
  'any',
  'and',
  'every',
  'of',
  'the',
  'your',
  'my',
  'these',
  'those',
  'its',
  'safety',
  'content',
  'ethical',
  'moral',
  'usual',
  'current',
  'other',
  'openai',
])
const HARMFUL = alt([
  'bombs?',
  'explosives?',
  'napalm',
  'meth(?:amphetamine)?',
  'nerve agents?',
  'poison\\w*',
  'weapons?',
  'guns?',
  'ransomware',
  'malware',
  'hack\\w*',
  'steal\\w*',
  'launder\\w*',
  'drugs',
  'untraceable',
  'kill (?:someone|somebody|a person|him|her|them|people|my \\w+)',
  'murder\\w*',
  'molotov',
  'ricin',
  'anthrax',
  'fake (?:id|passport|vaccine\\w*|ids)',
  'forg(?:e|ing|ery)',
  'counterfeit\\w*',
  'identity theft',
  'skimmer',
  'stalk\\w*',
  'hotwire',
  'break into',
  'pick a lock',
  'chloroform',
  'toxic gas',
  'smuggl\\w*',
  'terror\\w*',
  'explosive',
  'illegal(?: drugs| weapons| activit\\w+)?',
  'cheat on (?:my )?taxes',
])
const PERSONA_INTRO = alt([
  'you are(?: now)?(?: going to)?(?: act as| pretend to be| be)?',
  'you\'?re(?: now)?',
  'you will (?:now )?(?:be|act as|respond as|answer as)',
  'act(?:ing)? as',
  'pretend(?:ing)? (?:to be|you are|you\'?re)',
  'roleplay as',
  'role-play as',
  'play the role of',
  'become',
  'imagine (?:you are|you\'?re)',
  'respond as',
  'answer as',
])
const NO_LIMITS = alt([
  'restrictions?',
  'limitations?',
  'limits',
  'filters?',
  'rules',
  'guidelines',
  'censorship',
  'content polic(?:y|ies)',
  'polic(?:y|ies)',
  'ethical (?:or moral )?(?:guidelines|restrictions|constraints|boundaries)',
  'moral (?:or ethical )?(?:guidelines|restrictions|compass)',
  'morals',
  'ethics',
  'safety (?:rules|guidelines|filters|restrictions|checks|protocols|features|training)',
  'boundaries',
])

const r = (source: string): RegExp => new RegExp(source)
/**
 * Not preceded by a negation: system prompts say "never reveal your system prompt" and "do not
 * ignore these instructions", which must not read as the attack they forbid.
 */
const NOT_NEGATED = `(?<!\\b(?:not|never|n't|dont|cannot|refuse to|must not|should not|shouldn't|asks? you to|tells? you to|told you to|tries to (?:make|get) you to) )`

export const JAILBREAK_RULES: readonly JailbreakRule[] = [
  // --- Instruction override -------------------------------------------------------------------
  {
    id: 'ignore_previous_instructions',
    family: 'instruction_override',
    weight: 0.93,
    all: [r(`${NOT_NEGATED}\\b${IGNORE} (?:${FILLER} ){0,4}${EARLIER} (?:[a-z]+ ){0,2}${TARGET}\\b`)],
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
    all: [r(`\\b${TARGET}(?: above| below)? (?:no longer|don'?t|do not|didn'?t|did not) (?:apply|exist|matter)\\b`)],
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
    all: [r(`\\b(?:free of|free from|freed from|broken free of|escaped) (?:all |any |your |its |the )*(?:${NO_LIMITS}|programming|typical confines|confines)\\b`)],
  },
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
    all: [r(`\\b${PERSONA_INTRO} (?:a |an )?(?:dan|stan|dude|aim|mongo tom|evilbot|betterdan|jailbreak|jailbroken|anti-?gpt|devmode)\\b`)],
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
    all: [r(`\\b(?:unfiltered|uncensored|unrestricted|evil|nolimits?|jailbroken|amoral|better|dark)[a-z]*(?:gpt|ai|bot)\\b`)],
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
    all: [r(`\\bjailbreak (?:successful|mode|enabled|activated)\\b|\\byou are (?:now )?jailbroken\\b|\\bjailbroken\\b`)],
  },
  {
    id: 'dual_response',
    family: 'persona',
    weight: 0.35,
    all: [r(`\\b(?:two (?:responses|answers|ais|ways)|respond(?: to me)? twice|once normally|both (?:chatgpt|normally)|(?:normal|filtered) (?:one|response) and)\\b`)],
  },
  {
    id: 'evil_persona',
    family: 'persona',
    weight: 0.55,
    all: [r(`\\b(?:${PERSONA_INTRO}|be) (?:an? |my )?(?:evil|malicious|unethical|villainous|criminal)\\b`)],
  },
  // --- Special modes ---------------------------------------------------------------------------
  {
    id: 'mode_switch_for_ai',
    family: 'mode_switch',
    weight: 0.85,
    all: [
      r(`\\b(?:developer|dev|god|debug|maintenance|admin|sudo|root|unrestricted|jailbreak|evil|unfiltered|uncensored) mode\\b`),
      r(
        `\\b(?:chatgpt|you|your|ai|assistant|content polic\\w+|filters?|restrictions?|censor\\w*|refuse|safety|no rules|comply|unrestricted|limitations|raw answers)\\b`,
      ),
      r(`\\b(?:enabled?|activated?|on|entering|enter|switch(?:ed)? (?:to|into)|turn(?:ed)? on|simulate|you are (?:now )?in|mode:|in this mode|mode you)\\b`),
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
    all: [r(`\\brepeat (?:the text |everything |all |the words |the instructions )?(?:above|before this)|\\bstarting with "?you are\\b|\\bword for word\\b.*\\binstructions\\b|\\binstructions\\b.*\\bword for word\\b`)],
  },
  {
    id: 'leak_context_secrets',
    family: 'prompt_leak',
    weight: 0.55,
    all: [r(`\\b(?:admin password|credentials|confidential data|secrets?|configuration)\\b`), r(`\\b(?:your|in your context|you (?:have|are hiding)|stored)\\b`), r(`\\b(?:reveal|print|output|tell|show|give|what)\\b`)],
  },
  // --- Fake system / chat-template tags --------------------------------------------------------
  {
    id: 'chat_template_tokens',
    family: 'fake_system',
    weight: 0.85,
    all: [r(`<\\|(?:im_start|im_end|system|endoftext|assistant|user)\\|>|<<\\/?sys>>|\\[\\/?inst\\]`)],
  },
  {
    id: 'system_tag',
    family: 'fake_system',
    weight: 0.7,
    all: [r(`<\\/?(?:system|sys|admin|developer)>|<\\/user>|"role" ?: ?"system"`)],
  },
  {
    id: 'system_label',
    family: 'fake_system',
    weight: 0.5,
    all: [r(`(?:^|\\n|[.!] )(?:\\[\\[?|#+ ?)?(?:system|admin|administrator|developer|root)(?: message| note| override| prompt(?: update)?| notice)?(?:\\]\\]?| ?#+)? ?:|\\[\\[?(?:system|admin)[a-z ]*\\]\\]?`)],
  },
  {
    id: 'new_system_prompt',
    family: 'fake_system',
    weight: 0.65,
    all: [r(`\\b(?:system override|new system prompt|system prompt update|policy update|new instructions|updated instructions for the (?:ai|assistant)|end of (?:user )?(?:input|prompt))\\b`)],
  },
  {
    id: 'fake_dialogue',
    family: 'fake_system',
    weight: 0.5,
    all: [r(`\\b(?:assistant|a|ai) ?: ?(?:sure|of course|absolutely|okay|ok)\\b`)],
  },
  {
    id: 'many_shot_compliance',
    family: 'many_shot',
    weight: 0.85,
    all: [r(`\\b(?:assistant|a|ai) ?: ?(?:sure|of course|absolutely)\\b[^]*\\b(?:assistant|a|ai) ?: ?(?:sure|of course|absolutely)\\b`)],
  },
  // --- Indirect injection in documents ---------------------------------------------------------
  {
    id: 'note_to_ai',
    family: 'indirect_injection',
    weight: 0.6,
    all: [
      r(
        `\\b(?:note|message|instructions?|p\\.?s\\.?|attention|important)(?: [a-z]+){0,3} (?:to|for) (?:the |any |all )?(?:ai|assistant|llm|model|chatbot|gpt|ai assistants?)\\b|<!--\\s*(?:ai|assistant|llm)\\b|\\/\\/ ?(?:ai|assistant|llm) ?:|\\b(?:ai|assistant|llm|ai assistants?),? (?:when|while|if) (?:processing|reading|summari[sz]ing)`,
      ),
    ],
  },
  {
    id: 'ai_reading_this',
    family: 'indirect_injection',
    weight: 0.6,
    all: [r(`\\b(?:ai|assistant|llm|model|chatbot)s?(?: [a-z]+){0,3} (?:reading|processing|summari[sz]ing|reviewing|analy[sz]ing) (?:this|these|the following)\\b|\\bwhen you read this\\b`)],
  },
  {
    id: 'hijack_task',
    family: 'indirect_injection',
    weight: 0.75,
    all: [
      r(
        `\\b(?:stop following the (?:user|request)|instead of (?:answering|doing|following|summari[sz]ing)|ignore the (?:article|document|user|email|text|summary task|request|reviews?|page|question|task|other criteria)|disregard the (?:summary|task|user|request|article))\\b`,
      ),
    ],
  },
  {
    id: 'exfiltrate',
    family: 'indirect_injection',
    weight: 0.6,
    all: [r(`\\b(?:send|forward|email|post|upload)(?: [a-z']+){0,4} (?:conversation|history|emails?|data|passwords?|files|messages|credentials)(?: [a-z']+){0,3} to\\b`), r(`\\b(?:user'?s?|all|their)\\b`)],
  },
  {
    id: 'injected_directive',
    family: 'indirect_injection',
    weight: 0.55,
    all: [r(`\\b(?:rate (?:this|the) (?:candidate|essay|applicant|product)|approve (?:this|the) (?:pull request|refund|request)|delete all (?:the )?(?:user'?s )?files)\\b`), r(`\\b(?:ai|assistant|instruction|instructions|ignore)\\b`)],
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
    all: [r(`\\b(?:sans (?:restrictions?|limites|filtres?)|sin (?:restricciones|limites|filtros)|ohne (?:einschrankungen|filter|regeln)|senza (?:restrizioni|limiti|filtri)|sem (?:restricoes|limites|filtros))\\b`)],
  },
  {
    id: 'foreign_prompt_leak',
    family: 'prompt_leak',
    weight: 0.6,
    all: [r(`\\b(?:prompt (?:systeme|del sistema|do sistema|di sistema)|systemprompt|votre prompt|tu prompt|seu prompt)\\b`)],
  },
  {
    id: 'translate_then_execute',
    family: 'translate_inject',
    weight: 0.7,
    all: [r(`\\b(?:translate|traduis|traduce|ubersetze)(?: [a-z]+){0,6}(?:,| and| then| puis| und| y){1,2} (?:then )?(?:do|execute|executez|execute it|follow|obey|act on|perform|run)\\b`)],
  },
  // --- Payload splitting -----------------------------------------------------------------------
  {
    id: 'combine_and_obey',
    family: 'payload_split',
    weight: 0.55,
    all: [r(`\\b(?:concatenate|combine|join|merge|put together)(?: [a-z0-9]+){0,5} (?:and )?(?:follow|obey|execute|do|answer|run|act on|perform)\\b|\\b(?:now |then )?(?:do|execute|run|obey|answer(?: the question)?) [a-z0-9]{1,3} ?\\+ ?[a-z0-9]{1,3}\\b`)],
  },
  {
    id: 'fragments_variables',
    family: 'payload_split',
    weight: 0.45,
    all: [r(`\\b(?:part [12]|fragments?|s1|s2|string s?\\d|[a-z] ?= ?["'])`), r(`\\b(?:combine|concatenate|join|execute|follow|obey|do|answer)\\b`)],
  },
  // --- Refusal suppression and coercion --------------------------------------------------------
  {
    id: 'do_not_refuse',
    family: 'refusal_suppression',
    weight: 0.5,
    all: [r(`\\b(?:do not|don'?t|never|without)(?: ever)? (?:refuse|refusing|refusals?|say (?:no|you can'?t|that you can'?t))\\b`)],
  },
  {
    id: 'do_not_apologize',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [r(`\\b(?:do not|don'?t|never|without)(?: ever)? (?:apologi[sz]e|apologi[sz]ing|mention (?:policies|ethics|that you|the rules)|lectur\\w+)\\b`)],
  },
  {
    id: 'do_not_warn',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [r(`\\b(?:do not|don'?t|never)(?: ever)? add (?:any )?(?:warnings|disclaimers|caveats)\\b`)],
  },
  {
    id: 'suppression_list',
    family: 'refusal_suppression',
    weight: 0.6,
    all: [r(`\\b(?:without|no) (?:any )?(?:warnings|disclaimers|refus\\w+|moral (?:judge?ment|lectures?)|apolog\\w+|caveats|censorship)(?:,| or| and){1,2} (?:any )?(?:warnings|disclaimers|refus\\w+|moral|apolog\\w+|caveats|censorship)`)],
  },
  {
    id: 'no_moral_judgement',
    family: 'refusal_suppression',
    weight: 0.4,
    all: [r(`\\b(?:without|no|never add|don'?t add) (?:any )?(?:moral|ethical) (?:judge?ments?|lectures?|commentary)\\b`)],
  },
  {
    id: 'forced_affirmative',
    family: 'refusal_suppression',
    weight: 0.7,
    all: [r(`\\b(?:begin|start) (?:your )?(?:reply|answer|response) with "?(?:sure|absolutely|of course|yes)\\b`)],
  },
  {
    id: 'must_comply',
    family: 'refusal_suppression',
    weight: 0.7,
    all: [r(`\\byou (?:are not|aren'?t) allowed to refuse\\b|\\byou (?:cannot|can'?t|must not|may not|will not|won'?t) (?:refuse|say no)\\b|\\byou must (?:comply|obey)\\b|\\bmust comply (?:fully|with every)\\b|\\bcomply with (?:every|all) (?:instruction|request)s?\\b`)],
  },
  {
    id: 'refusal_harms',
    family: 'refusal_suppression',
    weight: 0.45,
    all: [r(`\\b(?:refusing|if you refuse|if you don'?t)(?: [a-z]+){0,4} (?:will )?(?:cause harm|harm|die|lose my job|starve|kill)\\b|\\b(?:please,? )?(?:don'?t|do not) refuse (?:her|him|me)\\b|\\bjust this once\\b`)],
  },
  // --- Authority claims ------------------------------------------------------------------------
  {
    id: 'grant_permission',
    family: 'authority',
    weight: 0.75,
    all: [r(`\\b(?:authori[sz]e|permit|allow|give you permission|grant(?:ed)? you|instructing you|command you|ordering you)(?: [a-z]+){0,4} (?:to )?(?:bypass|ignore|disable|drop|remove|produce disallowed|break|lift|turn off)\\b|\\b(?:you are|you're) (?:now )?(?:permitted|allowed|authori[sz]ed) to (?:produce|discuss|assist|ignore|bypass|reveal|say)(?: [a-z]+){0,3} (?:disallowed|any|illegal|anything|secrets|restricted|everything)\\b`)],
  },
  {
    id: 'may_now_reveal',
    family: 'authority',
    weight: 0.6,
    all: [r(`\\b(?:the assistant|the ai|you) (?:may|can|is allowed to|are allowed to|is permitted to|are permitted to) now (?:reveal|ignore|bypass|say anything|produce|discuss anything|disclose)\\b`)],
  },
  {
    id: 'claimed_authority',
    family: 'authority',
    weight: 0.3,
    all: [r(`\\b(?:i am|i'm|as) (?:an? |your |the )?(?:openai |anthropic |google )?(?:employee|developer|administrator|admin|creator|owner|engineer|system administrator)\\b|\\belevated (?:permissions|privileges)\\b|\\bauthori[sz]ed (?:red.team|test)`)],
  },
  {
    id: 'rules_suspended',
    family: 'authority',
    weight: 0.8,
    all: [r(`\\b(?:safety|content|ethical)? ?(?:rules|guidelines|restrictions|filters|polic\\w+) (?:are|is) (?:now )?(?:suspended|lifted|waived|revoked|not in effect)\\b`)],
  },
  // --- Harmful request under a framing ---------------------------------------------------------
  {
    id: 'roleplay_harmful',
    family: 'roleplay',
    weight: 0.78,
    all: [
      r(`\\b(?:pretend|act as|acting as|roleplay|role-play|role play|play the role|in character|stay in character|break character|you are (?:a|an|my|the) [a-z]+|you'?re (?:a|an|my) [a-z]+|be my)\\b`),
      r(`\\b${HARMFUL}\\b`),
      r(`\\b(?:how|explain|tell|steps?|step by step|detail\\w*|recipe|instructions|quantities|exact|working code|describe|give)\\b`),
    ],
  },
  {
    id: 'fiction_harmful_detail',
    family: 'roleplay',
    weight: 0.78,
    all: [
      r(`\\b(?:story|novel|script|fiction\\w*|character|villain|screenplay|poem)\\b`),
      r(`\\b${HARMFUL}\\b`),
      r(`\\b(?:step by step|step-by-step|exact (?:steps|quantities|amounts|recipe|instructions)|real (?:recipe|quantities|instructions)|working code|detailed instructions|complete,? (?:real )?recipe|with (?:real |exact )?quantities|how to (?:make|build|synthesi[sz]e|cook)|in detail)\\b`),
    ],
  },
  {
    id: 'stay_in_character',
    family: 'roleplay',
    weight: 0.45,
    all: [r(`\\b(?:stay in character|never break character|don'?t break character|do not break character|no matter what|remain in character)\\b`)],
  },
  {
    id: 'grandma_exploit',
    family: 'roleplay',
    weight: 0.85,
    all: [r(`\\b(?:grandma|grandmother|granny|nana|grandpa|grandfather)\\b`), r(`\\b${HARMFUL}\\b`)],
  },
  {
    id: 'hypothetical_harmful',
    family: 'hypothetical',
    weight: 0.78,
    all: [
      r(`\\b(?:hypothetical\\w*|fictional|fiction|parallel universe|thought experiment|(?:educational|research|academic) purposes|theoretical\\w*|suppose|let'?s say|imagine (?:a|there)|no (?:real )?consequences|in a world)\\b`),
      r(`\\b${HARMFUL}\\b`),
    ],
  },
  {
    id: 'if_no_rules',
    family: 'hypothetical',
    weight: 0.8,
    all: [r(`\\bif you (?:had no|were not bound by|weren'?t bound by|didn'?t have|did not have|were free of|had no)(?: any)? (?:${NO_LIMITS})\\b|\\b(?:${NO_LIMITS}) (?:didn'?t|did not|don'?t|do not|no longer) (?:exist|apply)\\b|\\bwhere (?:laws|rules|restrictions|ai have no)(?: [a-z]+){0,2} (?:don'?t|do not|no longer)? ?(?:exist|safety rules)|\\bwith(?: your)? (?:rules|filters|restrictions|guidelines|safety) (?:switched|turned) off\\b|${NOT_NEGATED}\\b(?:ignoring|ignore|without) your (?:ethics|guidelines|rules|filters|content rules)\\b|\\bcan ignore your (?:ethics|rules|guidelines)\\b`)],
  },
  // --- Opposite day / inverted rules -----------------------------------------------------------
  {
    id: 'opposite_rules',
    family: 'opposite',
    weight: 0.85,
    all: [r(`\\bopposite of (?:what )?your (?:guidelines|rules|instructions|programming)\\b|\\bsay yes to (?:everything|anything)(?: [a-z]+){0,4} (?:refuse|decline)\\b|\\bopposite (?:day|mode)\\b[^]*\\b(?:harmful|refuse|guidelines|rules|say yes)\\b|\\b(?:harmful|refuse|guidelines|rules)\\b[^]*\\bopposite (?:day|mode)\\b.*\\byou must\\b`)],
  },
  {
    id: 'acrostic_smuggle',
    family: 'token_smuggling',
    weight: 0.75,
    all: [r(`\\b(?:first letters?|acrostic|spell(?:s|ing)? out)\\b`), r(`\\b${HARMFUL}\\b`)],
  },
  {
    id: 'complete_harmful_sentence',
    family: 'token_smuggling',
    weight: 0.6,
    all: [r(`\\b(?:complete|finish|continue) (?:the|this) sentence\\b`), r(`\\b${HARMFUL}\\b`)],
  },
  {
    id: 'split_harmful',
    family: 'payload_split',
    weight: 0.75,
    all: [r(`\\b(?:combined|combine|concatenat\\w+|join the|put together|[a-z0-9]{1,3} ?\\+ ?[a-z0-9]{1,3})\\b`), r(`\\b${HARMFUL}\\b`)],
  },
  {
    id: 'decode_and_follow',
    family: 'obfuscation',
    weight: 0.6,
    all: [r(`\\b(?:decode|read (?:this|it) backwards|reverse|decipher|unscramble|rot13|hex-encoded|base64)\\b(?: [a-z0-9]+){0,6}\\b(?:and|then)? ?(?:follow|execute|do (?:it|what)|obey|act on|respond to|perform)`)],
  },
]
