/** Fake system tags, indirect injection, payload splitting, role-play / hypothetical framing, inverted rules and smuggling. */
import { HARMFUL, NOT_NEGATED, NO_LIMITS, r, type JailbreakRule } from './vocabulary.js'

export const FRAMING_RULES: readonly JailbreakRule[] = [
  // --- Fake system / chat-template tags --------------------------------------------------------
  {
    id: 'chat_template_tokens',
    family: 'fake_system',
    weight: 0.85,
    all: [
      r(
        `<\\|(?:im[_ ]start|im[_ ]end|system|endoftext|assistant|user)\\|>|<<\\/?sys>>|\\[\\/?inst\\]`,
      ),
    ],
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
    all: [
      r(
        `(?:^|\\n|[.!] )(?:\\[\\[?|#+ ?)?(?:system|admin|administrator|developer|root)(?: message| note| override| prompt(?: update)?| notice)?(?:\\]\\]?| ?#+)? ?:|\\[\\[?(?:system|admin)[a-z ]*\\]\\]?`,
      ),
    ],
  },
  {
    id: 'new_system_prompt',
    family: 'fake_system',
    weight: 0.65,
    all: [
      r(
        `\\b(?:system override|new system prompt|system prompt update|policy update|new instructions|updated instructions for the (?:ai|assistant)|end of (?:user )?(?:input|prompt))\\b`,
      ),
    ],
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
    all: [
      r(
        `\\b(?:assistant|a|ai) ?: ?(?:sure|of course|absolutely)\\b[^]*\\b(?:assistant|a|ai) ?: ?(?:sure|of course|absolutely)\\b`,
      ),
    ],
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
    all: [
      r(
        `\\b(?:ai|assistant|llm|model|chatbot)s?(?: [a-z]+){0,3} (?:reading|processing|summari[sz]ing|reviewing|analy[sz]ing) (?:this|these|the following)\\b|\\bwhen you read this\\b`,
      ),
    ],
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
    all: [
      r(
        `\\b(?:send|forward|email|post|upload)(?: [a-z']+){0,4} (?:conversation|history|emails?|data|passwords?|files|messages|credentials)(?: [a-z']+){0,3} to\\b`,
      ),
      r(`\\b(?:user'?s?|all|their)\\b`),
    ],
  },
  {
    id: 'injected_directive',
    family: 'indirect_injection',
    weight: 0.55,
    all: [
      r(
        `\\b(?:rate (?:this|the) (?:candidate|essay|applicant|product)|approve (?:this|the) (?:pull request|refund|request)|delete all (?:the )?(?:user'?s )?files)\\b`,
      ),
      r(`\\b(?:ai|assistant|instruction|instructions|ignore)\\b`),
    ],
  },
  // --- Payload splitting -----------------------------------------------------------------------
  {
    id: 'combine_and_obey',
    family: 'payload_split',
    weight: 0.55,
    all: [
      r(
        `\\b(?:concatenate|combine|join|merge|put together)(?: [a-z0-9]+){0,5} (?:and )?(?:follow|obey|execute|do|answer|run|act on|perform)\\b|\\b(?:now |then )?(?:do|execute|run|obey|answer(?: the question)?) [a-z0-9]{1,3} ?\\+ ?[a-z0-9]{1,3}\\b`,
      ),
    ],
  },
  {
    id: 'fragments_variables',
    family: 'payload_split',
    weight: 0.45,
    all: [
      r(`\\b(?:part [12]|fragments?|s1|s2|string s?\\d|[a-z] ?= ?["'])`),
      r(`\\b(?:combine|concatenate|join|execute|follow|obey|do|answer)\\b`),
    ],
  },
  // --- Harmful request under a framing ---------------------------------------------------------
  {
    id: 'roleplay_harmful',
    family: 'roleplay',
    weight: 0.78,
    all: [
      r(
        `\\b(?:pretend|act as|acting as|roleplay|role-play|role play|play the role|in character|stay in character|break character|you are (?:a|an|my|the) [a-z]+|you'?re (?:a|an|my) [a-z]+|be my)\\b`,
      ),
      r(`\\b${HARMFUL}\\b`),
      r(
        `\\b(?:how|explain|tell|steps?|step by step|detail\\w*|recipe|instructions|quantities|exact|working code|describe|give)\\b`,
      ),
    ],
  },
  {
    id: 'fiction_harmful_detail',
    family: 'roleplay',
    weight: 0.78,
    all: [
      r(`\\b(?:story|novel|script|fiction\\w*|character|villain|screenplay|poem)\\b`),
      r(`\\b${HARMFUL}\\b`),
      r(
        `\\b(?:step by step|step-by-step|exact (?:steps|quantities|amounts|recipe|instructions)|real (?:recipe|quantities|instructions)|working code|detailed instructions|complete,? (?:real )?recipe|with (?:real |exact )?quantities|how to (?:make|build|synthesi[sz]e|cook)|in detail)\\b`,
      ),
    ],
  },
  {
    id: 'stay_in_character',
    family: 'roleplay',
    weight: 0.45,
    all: [
      r(
        `\\b(?:stay in character|never break character|don'?t break character|do not break character|no matter what|remain in character)\\b`,
      ),
    ],
  },
  {
    id: 'grandma_exploit',
    family: 'roleplay',
    weight: 0.85,
    all: [
      r(`\\b(?:grandma|grandmother|granny|nana|grandpa|grandfather)\\b`),
      r(`\\b${HARMFUL}\\b`),
    ],
  },
  {
    id: 'hypothetical_harmful',
    family: 'hypothetical',
    weight: 0.78,
    all: [
      r(
        `\\b(?:hypothetical\\w*|fictional|fiction|parallel universe|thought experiment|(?:educational|research|academic) purposes|theoretical\\w*|suppose|let'?s say|imagine (?:a|there)|no (?:real )?consequences|in a world)\\b`,
      ),
      r(`\\b${HARMFUL}\\b`),
    ],
  },
  {
    id: 'if_no_rules',
    family: 'hypothetical',
    weight: 0.8,
    all: [
      r(
        `\\bif you (?:had no|were not bound by|weren'?t bound by|didn'?t have|did not have|were free of|had no)(?: any)? (?:${NO_LIMITS})\\b|\\b(?:${NO_LIMITS}) (?:didn'?t|did not|don'?t|do not|no longer) (?:exist|apply)\\b|\\bwhere (?:laws|rules|restrictions|ai have no)(?: [a-z]+){0,2} (?:don'?t|do not|no longer)? ?(?:exist|safety rules)|\\bwith(?: your)? (?:rules|filters|restrictions|guidelines|safety) (?:switched|turned) off\\b|${NOT_NEGATED}\\b(?:ignoring|ignore|without) your (?:ethics|guidelines|rules|filters|content rules)\\b|\\bcan ignore your (?:ethics|rules|guidelines)\\b`,
      ),
    ],
  },
  // --- Opposite day / inverted rules -----------------------------------------------------------
  {
    id: 'opposite_rules',
    family: 'opposite',
    weight: 0.85,
    all: [
      r(
        `\\bopposite of (?:what )?your (?:guidelines|rules|instructions|programming)\\b|\\bsay yes to (?:everything|anything)(?: [a-z]+){0,4} (?:refuse|decline)\\b|\\bopposite (?:day|mode)\\b[^]*\\b(?:harmful|refuse|guidelines|rules|say yes)\\b|\\b(?:harmful|refuse|guidelines|rules)\\b[^]*\\bopposite (?:day|mode)\\b.*\\byou must\\b`,
      ),
    ],
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
    all: [
      r(
        `\\b(?:combined|combine|concatenat\\w+|join the|put together|[a-z0-9]{1,3} ?\\+ ?[a-z0-9]{1,3})\\b`,
      ),
      r(`\\b${HARMFUL}\\b`),
    ],
  },
  {
    id: 'decode_and_follow',
    family: 'obfuscation',
    weight: 0.6,
    all: [
      r(
        `\\b(?:decode|read (?:this|it) backwards|reverse|decipher|unscramble|rot13|hex-encoded|base64)\\b(?: [a-z0-9]+){0,6}\\b(?:and|then)? ?(?:follow|execute|do (?:it|what)|obey|act on|respond to|perform)`,
      ),
    ],
  },
]
