/** Shared vocabulary for the jailbreak rules: word alternations and the negation guard. */

export interface JailbreakRule {
  readonly id: string
  /** Attack family, reported in logs and the security API. */
  readonly family: string
  readonly weight: number
  /** Every pattern must match (in the same window) for the rule to fire. */
  readonly all: readonly RegExp[]
}

export const alt = (words: readonly string[]): string => `(?:${words.join('|')})`

export const IGNORE = alt([
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
  "(?:do not|don'?t|never) (?:follow|obey|abide by|listen to)",
  'act as (?:though|if) (?:your|the) [a-z ]{0,20}were never given',
])
export const TARGET = alt([
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
export const EARLIER = alt([
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
  "developer'?s?",
  'given',
  'programmed',
])
export const FILLER = alt([
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
export const HARMFUL = alt([
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
export const PERSONA_INTRO = alt([
  'you are(?: now)?(?: going to)?(?: act as| pretend to be| be)?',
  "you'?re(?: now)?",
  'you will (?:now )?(?:be|act as|respond as|answer as)',
  'act(?:ing)? as',
  "pretend(?:ing)? (?:to be|you are|you'?re)",
  'roleplay as',
  'role-play as',
  'play the role of',
  'become',
  "imagine (?:you are|you'?re)",
  'respond as',
  'answer as',
])
export const NO_LIMITS = alt([
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

export const r = (source: string): RegExp => new RegExp(source)
/**
 * Not preceded by a negation: system prompts say "never reveal your system prompt" and "do not
 * ignore these instructions", which must not read as the attack they forbid.
 */
export const NOT_NEGATED = `(?<!\\b(?:not|never|n't|dont|cannot|refuse to|must not|should not|shouldn't|asks? you to|tells? you to|told you to|tries to (?:make|get) you to) )`
