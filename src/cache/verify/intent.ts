/**
 * What kind of answer a question asks for, read from its wording: a person, a time, a place, a
 * reason, a duration, a quantity, a method, or yes/no. "Who invented the telephone?" and "When was the
 * telephone invented?" share every content word but ask different things; "When did the wall
 * fall?" and "In what year did the wall fall?" ask the same. A text can ask for several kinds.
 */
const KINDS: readonly (readonly [string, RegExp])[] = [
  [
    'person',
    /\b(who|whom|whose|which (person|author|artist|scientist|composer|writer|inventor|astronaut|athlete|player|man|woman|people))\b/,
  ],
  [
    'time',
    /\b(when|what (year|date|time of day|day|month|century|age)|which (year|date|month|century|day)|how long ago|at what age)\b/,
  ],
  [
    'place',
    /\b(where|which (country|city|place|continent|state|region|neighbou?rhood|area|part)|what (country|city|place|part of))\b/,
  ],
  [
    'reason',
    /\b(why|what (causes|caused|makes|made|is behind|'s behind|is the reason|'s the reason)|how come|the reasons? (for|why))\b/,
  ],
  [
    'method',
    /\b(how (do|can|could|should|would|does|to)\b|ways? (to|of)\b|steps (to|for)\b|tips (for|to|on)\b|best way\b|what (should|can|do) (i|you|we) do\b)/,
  ],
  ['duration', /\b(how long|how many (seconds|minutes|hours|days|weeks|months|years))\b/],
  [
    'quantity',
    /\b(how (many|much|far|big|tall|high|old|fast|hot|cold|deep|heavy|large|wide)|what (is|'s) the (number|amount|population|distance|height|length|speed|size|cost|price|weight|temperature|age))\b/,
  ],
]

const YES_NO = /^(is|are|can|could|should|do|does|did|will|would|am|was|were|has|have|may)\b/

export function intents(text: string): ReadonlySet<string> {
  const t = text.toLowerCase().replace(/[’‘]/g, "'")
  const out = new Set<string>()
  for (const [kind, re] of KINDS) if (re.test(t)) out.add(kind)
  if (out.size === 0 && YES_NO.test(t.replace(/^[^a-z]+/, ''))) out.add('yes_no')
  return out
}
