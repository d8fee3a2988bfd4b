/**
 * Long texts are scanned in bounded slices that give the event loop back between slices, so one
 * huge prompt cannot stop every other request while the guards read it (issue 13). Short texts —
 * the common case — go to the detector whole, exactly as before.
 *
 * A text longer than `minChars` is cut into slices of `size` characters; consecutive slices share
 * `overlap` characters, so anything up to `overlap` characters long (a jailbreak phrase, a rule's
 * two cues within one of its 2,000-character windows, a PII entity with its context) lies whole in
 * at least one slice. Between slices the scan waits for `setImmediate`, and stops when the request
 * is aborted.
 *
 * - Jailbreak: the verdict of the slice with the highest attack probability (the rule detector
 *   already scores a text as its best window; the views detector keeps its most suspicious view).
 * - PII: each slice owns the part of the text from the middle of its overlap with the previous
 *   slice to the middle of its overlap with the next one; an entity is kept from the slice that
 *   owns its start, so every entity up to `overlap / 2` characters long is found once, with at
 *   least that much context on either side. Offsets are shifted back to the whole text, and
 *   overlaps are resolved across slices as within one (resolveOverlaps).
 *
 * Every slice is a separate detector call, so a model detector's `inference.max_chunks` bounds
 * one slice (a few windows), not the whole text: a long prompt is read by the model in full.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import { attackProbability } from './jailbreak/combined-detector.js'
import { resolveOverlaps } from './pii/resolve.js'
import type { JailbreakDetector, JailbreakVerdict, PiiDetector, PiiEntity } from './types.js'

export interface SliceOptions {
  /** Texts up to this many characters are scanned whole. */
  readonly minChars: number
  /** Characters per slice. */
  readonly size: number
  /** Characters shared by consecutive slices; less than size / 2. */
  readonly overlap: number
}

export interface TextSlice {
  readonly start: number
  readonly text: string
  /** Part of the whole text this slice answers for (PII): [ownStart, ownEnd). */
  readonly ownStart: number
  readonly ownEnd: number
}

/** Never cut between the two halves of a surrogate pair. */
function cutAt(text: string, at: number): number {
  const code = text.charCodeAt(at)
  return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at
}

/** The slices of a long text (one slice, the whole text, up to `minChars`). */
export function textSlices(text: string, { minChars, size, overlap }: SliceOptions): TextSlice[] {
  if (size <= 0 || overlap < 0 || overlap * 2 >= size)
    throw new RangeError(`bad slice options: size ${size}, overlap ${overlap}`)
  if (text.length <= Math.max(minChars, size))
    return [{ start: 0, text, ownStart: 0, ownEnd: text.length }]
  const bounds: [number, number][] = []
  let start = 0
  for (;;) {
    const end = cutAt(text, Math.min(text.length, start + size))
    bounds.push([start, end])
    if (end >= text.length) break
    start = cutAt(text, end - overlap)
  }
  return bounds.map(([s, e], i) => {
    const prev = bounds[i - 1]
    const next = bounds[i + 1]
    // The middle of the overlap with each neighbour (the neighbours agree on it).
    const ownStart = prev ? Math.floor((s + prev[1]) / 2) : 0
    const ownEnd = next ? Math.floor((next[0] + e) / 2) : text.length
    return { start: s, text: text.slice(s, e), ownStart, ownEnd }
  })
}

/** Run `scan` on each slice in turn, yielding to the event loop before every slice but the first. */
async function eachSlice(
  slices: readonly TextSlice[],
  signal: AbortSignal | undefined,
  scan: (slice: TextSlice) => Promise<void>,
): Promise<void> {
  for (const [i, slice] of slices.entries()) {
    if (i > 0) await nextTurn()
    signal?.throwIfAborted()
    await scan(slice)
  }
}

export class SlicedJailbreakDetector implements JailbreakDetector {
  readonly kind: string

  constructor(
    private readonly inner: JailbreakDetector,
    private readonly options: SliceOptions,
  ) {
    this.kind = inner.kind
  }

  async detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    const slices = textSlices(text, this.options)
    if (slices.length === 1) return this.inner.detect(text, signal)
    let best: JailbreakVerdict | undefined
    await eachSlice(slices, signal, async (slice) => {
      const verdict = await this.inner.detect(slice.text, signal)
      if (!best || attackProbability(verdict) > attackProbability(best)) best = verdict
    })
    return best!
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve()
  }
}

export class SlicedPiiDetector implements PiiDetector {
  readonly kind: string
  readonly types: readonly string[]

  constructor(
    private readonly inner: PiiDetector,
    private readonly options: SliceOptions,
  ) {
    this.kind = inner.kind
    this.types = inner.types
  }

  async detect(text: string, signal?: AbortSignal): Promise<PiiEntity[]> {
    const slices = textSlices(text, this.options)
    if (slices.length === 1) return this.inner.detect(text, signal)
    // In text order, no two overlapping (so their ends increase too).
    const found: PiiEntity[] = []
    await eachSlice(slices, signal, async (slice) => {
      const fresh: PiiEntity[] = []
      for (const e of await this.inner.detect(slice.text, signal)) {
        const start = e.start + slice.start
        if (start < slice.ownStart || start >= slice.ownEnd) continue
        fresh.push({ ...e, start, end: e.end + slice.start })
      }
      // Only entities reaching into this slice's part can overlap its own: resolve those together.
      let keep = found.length
      while (keep > 0 && found[keep - 1]!.end > slice.ownStart) keep--
      const tail = found.splice(keep)
      for (const e of resolveOverlaps([...tail, ...fresh])) found.push(e)
    })
    return found
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve()
  }
}
