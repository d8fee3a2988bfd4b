/**
 * Pre-filter for the jailbreak rules: which rules can possibly match a view, decided by one scan
 * for the rules' necessary literals (literals.ts) instead of running ~90 regexes per view.
 *
 * A rule is a candidate for a view when, for every one of its patterns, every clause of that
 * pattern has at least one literal in the view. Since each clause is necessary for its pattern to
 * match, a rule that is not a candidate cannot match, so skipping it changes no result: the
 * detector still runs every candidate's regexes, in the same order, on the same views.
 */
import { LiteralScanner } from './literal-scan.js'
import { necessaryLiterals } from './literals.js'
import type { JailbreakRule } from './rules/index.js'

export class RulePrefilter {
  private readonly scanner: LiteralScanner
  /** Scratch space for one scan (single-threaded, and never held across calls). */
  private readonly present: Uint8Array
  /** Per rule (same order as the rules), the ids of the clauses that must all be present. */
  private readonly ruleClauses: readonly Uint16Array[]

  constructor(rules: readonly JailbreakRule[]) {
    const literals: string[] = []
    const tags: number[] = []
    let clauseCount = 0
    this.ruleClauses = rules.map((rule) => {
      const ids: number[] = []
      for (const pattern of rule.all)
        for (const clause of clausesOf(pattern)) {
          const id = clauseCount++
          ids.push(id)
          for (const literal of clause) {
            literals.push(literal)
            tags.push(id)
          }
        }
      return Uint16Array.from(ids)
    })
    if (clauseCount > 65535) throw new RangeError('too many pre-filter clauses')
    this.present = new Uint8Array(clauseCount)
    this.scanner = new LiteralScanner(literals, tags)
  }

  get ruleCount(): number {
    return this.ruleClauses.length
  }

  /** For each rule, whether it can match `text` (1) or certainly cannot (0). */
  candidates(text: string): Uint8Array {
    const present = this.present
    present.fill(0)
    this.scanner.scan(text, present)
    const out = new Uint8Array(this.ruleClauses.length)
    for (let r = 0; r < out.length; r++) {
      const ids = this.ruleClauses[r]!
      let ok = 1
      for (let k = 0; k < ids.length && ok === 1; k++) ok = present[ids[k]!]!
      out[r] = ok
    }
    return out
  }
}

/** A pattern whose syntax the literal reader does not know is simply always run. */
function clausesOf(pattern: RegExp): string[][] {
  try {
    return necessaryLiterals(pattern)
  } catch {
    return []
  }
}

const cache = new WeakMap<readonly JailbreakRule[], RulePrefilter>()

/** One pre-filter per rule list, built on first use (~ms) and kept as long as the list lives. */
export function prefilterFor(rules: readonly JailbreakRule[]): RulePrefilter {
  let p = cache.get(rules)
  // A list grown or shrunk after first use (it is readonly by type, not by force) gets a new one.
  if (p === undefined || p.ruleCount !== rules.length) {
    p = new RulePrefilter(rules)
    cache.set(rules, p)
  }
  return p
}
