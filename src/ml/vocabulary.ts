/**
 * A read-only word → id table held in four flat arrays instead of a Map. The embedded models'
 * vocabularies have 130,000–166,000 words; as a Map each took 7–11 MB of heap per model (one
 * object per entry plus the key strings), here about a third of that: every word in one string,
 * its start offset and id in typed arrays, and an open-addressing hash table of entry numbers.
 */
export class Vocabulary {
  private constructor(
    /** Every word, concatenated. */
    private readonly text: string,
    /** Word i is text[starts[i] .. starts[i + 1]). */
    private readonly starts: Uint32Array,
    private readonly ids: Int32Array,
    /** Entry number + 1 per slot (0 = empty); a power-of-two size at least twice the words. */
    private readonly slots: Int32Array,
  ) {}

  static from(entries: Readonly<Record<string, number>>): Vocabulary {
    const words: string[] = []
    const ids: number[] = []
    for (const [word, id] of Object.entries(entries)) {
      if (typeof id !== 'number') continue
      words.push(word)
      ids.push(id)
    }
    const starts = new Uint32Array(words.length + 1)
    words.forEach((w, i) => (starts[i + 1] = starts[i]! + w.length))
    let size = 1024
    while (size < words.length * 2) size *= 2
    const slots = new Int32Array(size)
    const vocab = new Vocabulary(words.join(''), starts, Int32Array.from(ids), slots)
    words.forEach((w, i) => {
      let slot = hash(w) & (size - 1)
      // A repeated word keeps its first entry (JSON objects cannot repeat a key anyway).
      while (slots[slot] !== 0) {
        if (vocab.matches(slots[slot]! - 1, w)) return
        slot = (slot + 1) & (size - 1)
      }
      slots[slot] = i + 1
    })
    return vocab
  }

  get size(): number {
    return this.ids.length
  }

  get(word: string): number | undefined {
    const mask = this.slots.length - 1
    for (let slot = hash(word) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!
      if (entry === 0) return undefined
      if (this.matches(entry - 1, word)) return this.ids[entry - 1]
    }
  }

  private matches(entry: number, word: string): boolean {
    const start = this.starts[entry]!
    return this.starts[entry + 1]! - start === word.length && this.text.startsWith(word, start)
  }
}

/** FNV-1a over UTF-16 code units. */
function hash(word: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193)
  return h >>> 0
}
