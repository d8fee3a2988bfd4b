/**
 * One pass over a text that finds which of many literals occur in it (Aho–Corasick, compiled to a
 * table-driven automaton). The jailbreak pre-filter needs to know, for ~2,000 literals, which are
 * present in each view; `includes` per literal would cost more than the regexes it saves.
 *
 * Characters are mapped to a small alphabet (those that occur in some literal, plus "other"),
 * so the transition table stays small: states × alphabet 16-bit entries.
 */

export class LiteralScanner {
  /** Alphabet index per UTF-16 code unit below 128; 0 = a character no literal contains. */
  private readonly asciiSymbol = new Uint8Array(128)
  private readonly otherSymbol = new Map<number, number>()
  private readonly alphabetSize: number
  /** next[state * alphabetSize + symbol]; the automaton never fails (every entry is set). */
  private readonly next: Uint16Array | Uint32Array
  /** Tags reported on reaching each state (its literal's and those of its suffixes), or null. */
  private readonly tags: (readonly number[] | null)[]

  /** `literals[i]` reports `tags[i]` when found. Empty literals are not allowed. */
  constructor(literals: readonly string[], tags: readonly number[]) {
    if (literals.length !== tags.length) throw new RangeError('one tag per literal')
    let symbols = 1
    for (const literal of literals) {
      if (literal === '') throw new RangeError('empty literal')
      for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i)
        if (c < 128 ? this.asciiSymbol[c] === 0 : !this.otherSymbol.has(c)) {
          if (c < 128) this.asciiSymbol[c] = symbols++
          else this.otherSymbol.set(c, symbols++)
        }
      }
    }
    this.alphabetSize = symbols
    const trie = this.buildTrie(literals, tags)
    this.next =
      trie.states < 65536
        ? new Uint16Array(trie.states * symbols)
        : new Uint32Array(trie.states * symbols)
    this.tags = this.link(trie)
  }

  /** Number of automaton states (for tests and memory estimates). */
  get states(): number {
    return this.tags.length
  }

  private symbolOf(c: number): number {
    return c < 128 ? this.asciiSymbol[c]! : (this.otherSymbol.get(c) ?? 0)
  }

  private buildTrie(literals: readonly string[], tags: readonly number[]) {
    const children: Map<number, number>[] = [new Map<number, number>()]
    const own: number[][] = [[]]
    literals.forEach((literal, i) => {
      let s = 0
      for (let k = 0; k < literal.length; k++) {
        const sym = this.symbolOf(literal.charCodeAt(k))
        let t = children[s]!.get(sym)
        if (t === undefined) {
          t = children.length
          children.push(new Map<number, number>())
          own.push([])
          children[s]!.set(sym, t)
        }
        s = t
      }
      own[s]!.push(tags[i]!)
    })
    return { children, own, states: children.length }
  }

  /** Breadth-first: failure links, the full transition table, and inherited tags. */
  private link(trie: ReturnType<LiteralScanner['buildTrie']>): (readonly number[] | null)[] {
    const { children, own } = trie
    const size = this.alphabetSize
    const fail = new Uint32Array(trie.states)
    const tags: (readonly number[] | null)[] = new Array<readonly number[] | null>(trie.states)
    tags[0] = null
    const queue: number[] = []
    for (let sym = 0; sym < size; sym++) {
      const t = children[0]!.get(sym)
      this.next[sym] = t ?? 0
      if (t !== undefined) queue.push(t)
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head]!
      const inherited = tags[fail[s]!]
      const mine = own[s]!
      tags[s] =
        mine.length === 0 ? (inherited ?? null) : [...new Set([...mine, ...(inherited ?? [])])]
      // Where s has no child, it goes where its failure state goes (that row is complete: the
      // failure state is shallower, so it came earlier in the queue).
      const failRow = fail[s]! * size
      this.next.copyWithin(s * size, failRow, failRow + size)
      for (const [sym, t] of children[s]!) {
        fail[t] = this.next[failRow + sym]!
        this.next[s * size + sym] = t
        queue.push(t)
      }
    }
    return tags
  }

  /** Sets `found[tag] = 1` for the tag of every literal that occurs in `text`. */
  scan(text: string, found: Uint8Array): void {
    const { next, tags, alphabetSize, asciiSymbol, otherSymbol } = this
    let s = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      s = next[s * alphabetSize + (c < 128 ? asciiSymbol[c]! : (otherSymbol.get(c) ?? 0))]!
      const hit = tags[s]
      if (hit != null) for (let k = 0; k < hit.length; k++) found[hit[k]!] = 1
    }
  }
}
