/**
 * Necessary literals of a regular expression, derived from its source: a list of clauses, each a
 * set of strings, such that every string the regex can match contains at least one string of
 * every clause. A text that misses a whole clause cannot match, so the rule detector skips that
 * regex without running it (see prefilter.ts). Benign prompts contain almost none of the rules'
 * key words, so most regexes are never run on them.
 *
 * The derivation only has to be sound, not complete: any construct it does not understand
 * (character classes, `\w`, back-references, open-ended repeats) counts as "matches anything",
 * which only makes the filter weaker, never wrong. Syntax it cannot parse at all throws, and the
 * caller then runs that regex unfiltered.
 */

/** What one regex node can match, as far as literals are concerned. */
interface Facts {
  /** Every string the node can match, when that is a small finite set; else null. */
  readonly exact: readonly string[] | null
  /** Clauses: every match contains a string of each (no clause contains ''). */
  readonly clauses: readonly (readonly string[])[]
}

/** Largest exact set kept (cross products of alternations grow fast). */
const EXACT_LIMIT = 64
/**
 * Literals are cut to this many characters: a prefix of a necessary literal is necessary too,
 * and 16 characters are already rare in prompts, while longer ones only grow the scanner
 * (16 skips ~20 % more rule runs on benign prompts than 12, for ~40 % more scanner states).
 */
const LITERAL_LENGTH = 16
/** Largest character class expanded into single-character strings. */
const CLASS_LIMIT = 8

const ANY: Facts = { exact: null, clauses: [] }
const EMPTY: Facts = { exact: [''], clauses: [] }

const unique = (xs: readonly string[]): string[] => [...new Set(xs)]

/** Drop strings that contain a shorter string of the same clause: the shorter one suffices. */
function minimise(clause: readonly string[]): string[] {
  const sorted = unique(clause).sort((a, b) => a.length - b.length)
  const kept: string[] = []
  for (const s of sorted) if (!kept.some((k) => s.includes(k))) kept.push(s)
  return kept
}

const clauseOf = new WeakMap<readonly string[], string[] | null>()

/**
 * An exact set as a clause: only when it has no empty string (which every text "contains").
 * Memoised, since exact sets travel up the tree unchanged and are asked for their clause often.
 */
function asClause(set: readonly string[] | null): string[] | null {
  if (set === null) return null
  let c = clauseOf.get(set)
  if (c === undefined) {
    c =
      set.length > 0 && !set.includes('')
        ? minimise(set.map((s) => s.slice(0, LITERAL_LENGTH)))
        : null
    clauseOf.set(set, c)
  }
  return c
}

/** Longer shortest string first (rarer in text), then fewer strings. */
function better(a: readonly string[], b: readonly string[]): boolean {
  // Spaces around a short word ("to", "for") do not make it any rarer.
  const minA = Math.min(...a.map((s) => s.trim().length))
  const minB = Math.min(...b.map((s) => s.trim().length))
  return minA !== minB ? minA > minB : a.length < b.length
}

function bestClause(f: Facts): readonly string[] | null {
  let best: readonly string[] | null = null
  for (const c of [...f.clauses, asClause(f.exact)])
    if (c !== null && (best === null || better(c, best))) best = c
  return best
}

function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > EXACT_LIMIT) return null
  // With one side a single string, distinct inputs give distinct outputs: no need to dedupe.
  if (b.length === 1) return a.map((x) => x + b[0])
  if (a.length === 1) return b.map((y) => a[0] + y)
  return unique(a.flatMap((x) => b.map((y) => x + y)))
}

/** Concatenation: adjacent exact parts multiply into longer literals; every part's clauses hold. */
function sequence(parts: readonly Facts[]): Facts {
  const clauses: (readonly string[])[] = []
  let run: readonly string[] = ['']
  let whollyExact = true
  const flush = () => {
    const c = asClause(run)
    if (c !== null) clauses.push(c)
    run = ['']
  }
  for (const part of parts) {
    if (part.exact === null) {
      // An exact part's own clauses are implied by the literals it contributes to the run.
      clauses.push(...part.clauses)
      whollyExact = false
      flush()
      continue
    }
    const joined = cross(run, part.exact)
    if (joined !== null) run = joined
    else {
      whollyExact = false
      flush()
      run = part.exact
    }
  }
  const exact = whollyExact ? run : null
  flush()
  return { exact, clauses }
}

/** Alternation: a match comes from one branch, so only the union of one clause per branch holds. */
function alternation(branches: readonly Facts[]): Facts {
  let exact: Set<string> | null = new Set()
  const union: string[] = []
  let everyBranchHasClause = true
  for (const b of branches) {
    if (b.exact === null) exact = null
    else if (exact !== null) for (const s of b.exact) exact.add(s)
    if (exact !== null && exact.size > EXACT_LIMIT) exact = null
    const c = bestClause(b)
    if (c === null) everyBranchHasClause = false
    else union.push(...c)
  }
  return {
    exact: exact === null ? null : [...exact],
    clauses: everyBranchHasClause ? [minimise(union)] : [],
  }
}

function repeat(f: Facts, min: number, max: number): Facts {
  if (min === 1 && max === 1) return f
  // At least one copy is in every match, so its clauses hold; none at all if it may be absent.
  const own = asClause(f.exact)
  const clauses = min === 0 ? [] : own === null ? f.clauses : [...f.clauses, own]
  if (f.exact === null || max > 3) return { exact: null, clauses }
  let exact: string[] | null = min === 0 ? [''] : []
  let power: string[] | null = ['']
  for (let n = 1; n <= max && exact !== null && power !== null; n++) {
    power = cross(power, f.exact)
    if (power === null) exact = null
    else if (n >= min) exact = unique([...exact, ...power])
  }
  if (exact !== null && exact.length > EXACT_LIMIT) exact = null
  return { exact, clauses }
}

const SPECIAL = new Set('\\^$.|?*+()[]{}')
const QUANTIFIER_START = new Set('*+?{')

/** Recursive-descent reader for the regex syntax the rules use (no `u` or `v` flag). */
class Reader {
  private i = 0
  constructor(private readonly src: string) {}

  parse(): Facts {
    const f = this.alternation()
    if (this.i !== this.src.length) this.fail('unbalanced )')
    return f
  }

  private fail(why: string): never {
    throw new SyntaxError(`literals: ${why} at ${this.i} in /${this.src}/`)
  }

  private alternation(): Facts {
    const branches = [this.sequence()]
    while (this.src[this.i] === '|') {
      this.i++
      branches.push(this.sequence())
    }
    return branches.length === 1 ? branches[0]! : alternation(branches)
  }

  private sequence(): Facts {
    const parts: Facts[] = []
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')')
      parts.push(this.quantified(this.atom()))
    return sequence(parts)
  }

  private quantified(f: Facts): Facts {
    const c = this.src[this.i]
    let min: number
    let max: number
    if (c === '*' || c === '+' || c === '?') {
      this.i++
      ;[min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1]
    } else {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))
      if (m === null) return f
      this.i += m[0].length
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
    }
    if (this.src[this.i] === '?') this.i++ // lazy: same strings, other order
    return repeat(f, min, max)
  }

  private atom(): Facts {
    const c = this.src[this.i++]!
    if (c === '(') return this.group()
    if (c === '[') return this.charClass()
    if (c === '\\') return this.escape()
    if (c === '.') return ANY
    if (c === '^' || c === '$') return EMPTY
    if (c === '*' || c === '+' || c === '?') this.fail('nothing to repeat')
    if (c === '{' && /^\d+(,\d*)?\}/.test(this.src.slice(this.i))) this.fail('nothing to repeat')
    // Consecutive plain characters are one literal (unless a quantifier binds the last one).
    let text = c
    while (this.i < this.src.length && !SPECIAL.has(this.src[this.i]!)) {
      if (QUANTIFIER_START.has(this.src[this.i + 1] ?? '')) break
      text += this.src[this.i++]!
    }
    return { exact: [text], clauses: [] }
  }

  private group(): Facts {
    const rest = this.src.slice(this.i)
    const lookaround = /^\?<?[=!]/.exec(rest)
    const named = /^\?<[A-Za-z_$][\w$]*>/.exec(rest)
    const prefix = lookaround ?? named ?? (rest.startsWith('?:') ? ['?:'] : null)
    if (prefix === null && rest.startsWith('?')) this.fail('unknown group')
    this.i += prefix?.[0].length ?? 0
    const inner = this.alternation()
    if (this.src[this.i++] !== ')') this.fail('missing )')
    // Lookarounds match no characters; what they test lies outside the match.
    return lookaround !== null ? EMPTY : inner
  }

  private charClass(): Facts {
    const negated = this.src[this.i] === '^'
    if (negated) this.i++
    const chars: string[] = []
    let expandable = !negated
    while (this.src[this.i] !== ']') {
      if (this.i >= this.src.length) this.fail('missing ]')
      let c = this.src[this.i++]!
      if (c === '\\') {
        const e = this.src[this.i++]!
        const single = singleCharEscape(e)
        if (single === null) expandable = false // \w, \d, \s, \b (backspace) ...
        c = single ?? ''
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && c !== '') {
        const to = this.src[this.i + 1]!
        if (to === '\\') expandable = false
        else
          for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code++)
            chars.push(String.fromCharCode(code))
        this.i += to === '\\' ? 3 : 2
      } else if (c !== '') chars.push(c)
    }
    this.i++
    const set = unique(chars)
    return expandable && set.length > 0 && set.length <= CLASS_LIMIT
      ? { exact: set, clauses: [] }
      : ANY
  }

  private escape(): Facts {
    const e = this.src[this.i++]
    if (e === undefined) this.fail('trailing \\')
    if (e === 'b' || e === 'B') return EMPTY
    if (e === 'k') this.fail('named back-reference') // its tail would read as literals
    if (e === 'c' && /[A-Za-z]/.test(this.src[this.i] ?? '')) {
      this.i++
      return ANY
    }
    if (/[0-9]/.test(e)) {
      // Back-reference or legacy octal escape: whatever it is, it spans all the digits.
      while (/[0-9]/.test(this.src[this.i] ?? '')) this.i++
      return ANY
    }
    if (e === 'x' || e === 'u') {
      const m = (e === 'x' ? /^[0-9a-fA-F]{2}/ : /^[0-9a-fA-F]{4}/).exec(this.src.slice(this.i))
      if (m === null) return ANY
      this.i += m[0].length
      return { exact: [String.fromCharCode(parseInt(m[0], 16))], clauses: [] }
    }
    const single = singleCharEscape(e)
    return single === null ? ANY : { exact: [single], clauses: [] }
  }
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' }

/** The character an escape stands for, or null for classes, back-references and the unknown. */
function singleCharEscape(e: string): string | null {
  if (e in CONTROL_ESCAPES) return CONTROL_ESCAPES[e]!
  // Escaped punctuation is the character itself; letters and digits have meanings we skip.
  return /^[^A-Za-z0-9_]$/.test(e) ? e : null
}

/** Flags under which the source's characters match themselves and test() keeps no state. */
const SAFE_FLAGS = /^[dms]*$/

/**
 * Clauses every match of `pattern` satisfies ([] when nothing is known: run it always).
 * Throws on syntax this reader does not handle.
 */
export function necessaryLiterals(pattern: RegExp): string[][] {
  if (!SAFE_FLAGS.test(pattern.flags)) return []
  const f = new Reader(pattern.source).parse()
  const clauses = [...f.clauses]
  const whole = asClause(f.exact)
  if (whole !== null) clauses.push(whole)
  const seen = new Set<string>()
  return (
    clauses
      .map((c) => minimise(c))
      // A clause satisfied by a lone space holds in every prompt: it would cost scan time only.
      .filter((c) => !c.some((s) => s.trim() === ''))
      .filter((c) => {
        const key = [...c].sort().join('\u0000')
        return !seen.has(key) && (seen.add(key), true)
      })
  )
}
