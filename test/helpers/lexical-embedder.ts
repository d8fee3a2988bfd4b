/**
 * A small deterministic sentence embedder for tests that run before (or without) the real models:
 * hashed word and character-trigram features, L2-normalised. It implements the real Embedder
 * interface, so everything above it runs unchanged; it is lexical, not semantic.
 */
import type { Embedder } from '../../src/embeddings/types.js'

export class LexicalTestEmbedder implements Embedder {
  readonly kind = 'lexical-test'
  readonly model = 'lexical-test'
  /** Texts embedded so far (tests assert on call counts). */
  calls = 0
  failing = false

  constructor(readonly dimension = 256) {}

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++
    if (this.failing) return Promise.reject(new Error('embedder down'))
    return Promise.resolve(texts.map((t) => this.one(t)))
  }

  private one(text: string): Float32Array {
    const v = new Float32Array(this.dimension)
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
    for (const w of words) {
      this.add(v, `w:${w}`, 2)
      const padded = ` ${w} `
      for (let i = 0; i + 3 <= padded.length; i++) this.add(v, `c:${padded.slice(i, i + 3)}`, 1)
    }
    let n = 0
    for (const x of v) n += x * x
    n = Math.sqrt(n) || 1
    return v.map((x) => x / n)
  }

  private add(v: Float32Array, feature: string, weight: number): void {
    let h = 2166136261
    for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), 16777619)
    const index = (h >>> 0) % this.dimension
    v[index] = v[index]! + (h & 0x80000000 ? -weight : weight)
  }
}
