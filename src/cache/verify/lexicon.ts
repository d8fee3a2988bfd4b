/**
 * Word lists for the false-hit guard, written for this project (English). They decide which words
 * carry meaning a cached answer depends on: negation cues, number words, opposite pairs, synonyms
 * that may be swapped freely, and framing words ("explain", "please") that may come and go.
 */

export const NEGATION_CUES = new Set([
  'not',
  'no',
  'never',
  "n't",
  'without',
  'none',
  'nobody',
  'nothing',
  'neither',
  'nor',
  'cannot',
  'nowhere',
])

/** Prefixes that negate the word they are attached to (unsafe, ineffective, dislike, non-toxic). */
export const NEGATING_PREFIXES = ['non', 'un', 'in', 'im', 'il', 'ir', 'dis']

/** Cardinal number words below a hundred and their values (number words are read with these). */
export const CARDINAL_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
}

export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(CARDINAL_WORDS).map(([word, n]) => [word, String(n)])),
  hundred: '100',
  thousand: '1000',
  million: '1000000',
  billion: '1000000000',
  first: '#1',
  second: '#2',
  third: '#3',
  fourth: '#4',
  fifth: '#5',
  sixth: '#6',
  seventh: '#7',
  eighth: '#8',
  ninth: '#9',
  tenth: '#10',
  half: '0.5',
  double: 'x2',
  twice: 'x2',
  triple: 'x3',
  single: '1',
  pair: '2',
  dozen: '12',
}

export const ROMAN_NUMERALS: Readonly<Record<string, string>> = {
  I: '1',
  II: '2',
  III: '3',
  IV: '4',
  V: '5',
  VI: '6',
  VII: '7',
  VIII: '8',
  IX: '9',
  X: '10',
  XI: '11',
  XII: '12',
}

/** Synonyms folded to one form before comparison (inflections included where stemming fails). */
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['big', 'bigger', 'biggest', 'large', 'larger', 'largest', 'huge'],
  ['small', 'smaller', 'smallest', 'little', 'tiny'],
  ['fast', 'faster', 'fastest', 'quick', 'quicker', 'quickest', 'rapid', 'quickly'],
  ['fix', 'repair', 'mend', 'fixing', 'repairing'],
  ['bike', 'bicycle'],
  ['car', 'automobile'],
  ['start', 'begin', 'starting', 'beginning', 'commence'],
  ['buy', 'purchase'],
  ['author', 'write', 'wrote', 'written', 'writer'],
  ['remove', 'delete', 'erase', 'deleting', 'removing'],
  ['make', 'create', 'build', 'making', 'creating', 'building'],
  ['picture', 'image', 'photo'],
  ['child', 'kid', 'children', 'kids'],
  ['doctor', 'physician'],
  ['movie', 'film'],
  ['use', 'utilize', 'using'],
  ['show', 'display'],
  ['answer', 'reply', 'respond'],
  ['smart', 'intelligent', 'clever'],
  ['mean', 'meaning', 'definition', 'define', 'means'],
  ['every', 'all', 'each'],
  ['error', 'exception'],
  ['function', 'method'],
  ['summarize', 'summary', 'summarise'],
  ['illness', 'disease', 'sickness'],
  ['job', 'occupation'],
  ['street', 'road'],
  ['stomach', 'belly'],
]

export const SYNONYMS: ReadonlyMap<string, string> = new Map(
  SYNONYM_GROUPS.flatMap((group) => group.map((word) => [word, group[0]!] as const)),
)

/** Words with opposite meanings: [group, side A words, side B words] (after synonym folding). */
const OPPOSITES: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['crypt', ['encrypt', 'encryption', 'encode', 'encoding'], ['decrypt', 'decryption', 'decode']],
  ['compress', ['compress', 'zip', 'compression'], ['decompress', 'unzip', 'extract']],
  ['add', ['add', 'insert', 'append', 'include', 'adding'], ['remove', 'exclude', 'subtract']],
  ['grow', ['increase', 'raise', 'grow', 'gain', 'boost'], ['decrease', 'reduce', 'lower', 'lose']],
  ['order', ['ascending', 'ascend', 'increasing'], ['descending', 'descend', 'decreasing']],
  ['extreme', ['maximum', 'max', 'highest', 'most', 'top'], ['minimum', 'min', 'lowest', 'least']],
  [
    'compare',
    ['greater', 'more', 'above', 'over', 'higher', 'after'],
    ['less', 'fewer', 'below', 'under', 'before'],
  ],
  ['size', ['big'], ['small']],
  ['transfer', ['upload', 'send', 'export', 'push'], ['download', 'receive', 'import', 'pull']],
  ['trade', ['buy'], ['sell']],
  [
    'state',
    ['open', 'enable', 'enabled', 'lock', 'connect', 'login', 'mount', 'install', 'subscribe'],
    [
      'close',
      'disable',
      'disabled',
      'off',
      'unlock',
      'disconnect',
      'logout',
      'unmount',
      'uninstall',
      'unsubscribe',
    ],
  ],
  ['run', ['start'], ['stop', 'end', 'finish']],
  [
    'position',
    ['first', 'beginning', 'front', 'top', 'left', 'north', 'east'],
    ['last', 'end', 'back', 'bottom', 'right', 'south', 'west'],
  ],
  ['temperature', ['hot', 'warm', 'heat', 'boiling'], ['cold', 'cool', 'freezing', 'freeze']],
  ['firmness', ['soft'], ['hard']],
  ['length', ['long', 'longer', 'longest'], ['short', 'shorter', 'shortest', 'brief']],
  ['age', ['old', 'older', 'oldest'], ['new', 'newer', 'newest', 'young', 'younger']],
  ['outcome', ['win', 'won', 'winning'], ['lose', 'lost', 'losing']],
  [
    'truth',
    ['true', 'positive', 'pros', 'advantage', 'advantages', 'benefit', 'benefits'],
    ['false', 'negative', 'cons', 'disadvantage', 'disadvantages', 'risk', 'risks'],
  ],
  ['flow', ['input', 'inbound', 'incoming'], ['output', 'outbound', 'outgoing']],
  ['serial', ['serialize', 'serialise', 'marshal'], ['deserialize', 'deserialise', 'unmarshal']],
  [
    'permission',
    ['allow', 'accept', 'permit', 'whitelist', 'allowlist'],
    ['deny', 'reject', 'block', 'blacklist', 'blocklist', 'forbid'],
  ],
  [
    'direction',
    ['forward', 'horizontal', 'inner', 'upper'],
    ['backward', 'vertical', 'outer', 'lower'],
  ],
  ['cost', ['cheap', 'cheapest', 'inexpensive'], ['expensive', 'costly', 'priciest']],
  ['speed', ['fast'], ['slow', 'slower', 'slowest']],
  ['strength', ['strong', 'stronger', 'heavy'], ['weak', 'weaker', 'light']],
  ['ease', ['easiest'], ['hardest', 'difficult']],
  ['wealth', ['rich'], ['poor']],
  ['safety', ['safe', 'safer', 'safest'], ['dangerous', 'harmful', 'unsafe']],
]

export interface OppositeSide {
  readonly group: string
  readonly side: 0 | 1
}

export const OPPOSITE_WORDS: ReadonlyMap<string, OppositeSide> = new Map(
  OPPOSITES.flatMap(([group, a, b]): Array<[string, OppositeSide]> => [
    ...a.map((w): [string, OppositeSide] => [w, { group, side: 0 }]),
    ...b.map((w): [string, OppositeSide] => [w, { group, side: 1 }]),
  ]),
)

/** Words after which the order of the things named matters (from A to B, X minus Y, A than B). */
export const ASYMMETRIC_MARKERS = new Set([
  'to',
  'into',
  'from',
  'than',
  'minus',
  'divided',
  'over',
  'per',
  'before',
  'after',
  'by',
  'of',
  'on',
  'in',
  '-',
  '/',
  '^',
  '<',
  '>',
])

export const OPERATOR_SYMBOLS = new Set(['+', '-', '*', '/', '^', '=', '<', '>', '×', '÷'])

/**
 * Nouns that elaborate without changing the question when only one side has them ("what year did X
 * end" = "when did X end"). Any other one-sided content word counts as a different question.
 */
export const GENERIC_EXTRA_WORDS = new Set(
  `year day time date word words term acronym abbreviation name reason cause causes value values
  people person thing process purpose result`.split(/\s+/),
)

/** Function words: articles, prepositions, pronouns, auxiliaries, conjunctions. */
export const FUNCTION_WORDS = new Set(
  `a an the and or but if then so of to in on at by for with from into onto about as is are was were
  be been being am do does did done doing have has had having i me my mine we us our you your yours
  he him his she her it its they them their this that these those there here can could would should
  will shall may might must let lets also too whether while during via per up out over again yes
  someone something anything everything i'm i've i'd i'll it's what's that's there's`.split(/\s+/),
)

/** Question words: what is asked (who, when, why, how many) is read from them separately. */
export const QUESTION_WORDS = new Set(`what which who whom whose when where why how`.split(/\s+/))

/**
 * Framing words: how a request is put ("explain", "please", "what's a good way to", "tips for"),
 * not what it is about. They may come and go between two wordings of one request.
 */
export const FRAMING_WORDS = new Set(
  `just very really quite please kindly tell give show explain describe calculate compute determine
  suggest provide help want need know like way ways method steps step simple simply easy easily basic
  common commonly usually typical typically exactly actually example examples term terms detail
  details interesting fun good great nice cool some any much many thing things stuff kind type fact
  facts question questions say said ok okay hi hello hey thanks thank get got answer best better
  possible right proper correct quick quickly tips tip advice idea ideas recommend recommended
  should able go going try trying let's wondering wonder anyone guide walk through still
  anyway even ever generally normally maybe perhaps ideally roughly approximately currently
  nowadays exact precise certain sure`.split(/\s+/),
)

/** Everything the rule-based guard ignores when it compares content words. */
export const IGNORED_WORDS = new Set(
  `a an the and or but if then so of to in on at by for with from into onto about as is are was were
  be been being am do does did done doing have has had having i me my mine we us our you your yours
  he him his she her it its they them their this that these those there here what which who whom
  whose when where why how can could would should will shall may might must let lets just also too
  very really quite please kindly tell give show explain describe calculate compute determine
  suggest provide help want need know like way ways method steps step simple simply easy easily basic
  common commonly usually typical typically exactly actually example examples term terms detail
  details interesting fun good great nice cool some any much many thing things stuff kind type
  fact facts question questions say said ok okay hi hello thanks thank someone something anything
  everything get got answer whether while during via per up out over again yes`.split(/\s+/),
)

/**
 * Units of measurement by what they measure, each unit with its plural and short forms (one slash-
 * separated list per unit): "seconds in a day" and "minutes in a day" ask for different numbers,
 * as do "miles" and "kilometres". Word → `dimension:unit`.
 */
export const MEASUREMENT_UNITS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    time: `second/seconds/sec/secs minute/minutes/min/mins hour/hours/hr/hrs day/days week/weeks
      fortnight/fortnights month/months year/years decade/decades century/centuries
      millisecond/milliseconds/ms`,
    length: `millimetre/millimetres/millimeter/millimeters/mm
      centimetre/centimetres/centimeter/centimeters/cm metre/metres/meter/meters
      kilometre/kilometres/kilometer/kilometers/km inch/inches foot/feet/ft yard/yards/yd mile/miles`,
    mass: `milligram/milligrams/mg gram/grams kilogram/kilograms/kg/kilo/kilos pound/pounds/lb/lbs
      ounce/ounces/oz ton/tons tonne/tonnes`,
    volume: `millilitre/millilitres/milliliter/milliliters/ml litre/litres/liter/liters
      gallon/gallons pint/pints quart/quarts cup/cups tablespoon/tablespoons/tbsp
      teaspoon/teaspoons/tsp`,
    temperature: `celsius/centigrade fahrenheit kelvin`,
    data: `byte/bytes kilobyte/kilobytes/kb megabyte/megabytes/mb gigabyte/gigabytes/gb
      terabyte/terabytes/tb`,
    area: `acre/acres hectare/hectares`,
    speed: `mph kph/kmh knot/knots`,
    energy: `calorie/calories/kcal joule/joules kilojoule/kilojoules/kj kwh watt/watts
      kilowatt/kilowatts/kw`,
  }).flatMap(([dimension, units]) =>
    units
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((forms) => {
        const names = forms.split('/')
        return names.map((w) => [w, `${dimension}:${names[0]}`] as [string, string])
      }),
  ),
)
