/**
 * The conformance suites every guard detector kind passes (like test/cache/conformance.ts for
 * cache backends): one for jailbreak detectors, one for PII detectors. A harness builds the
 * detector the way the router does (the registered plug-in's `create`, or the registry's build
 * of a whole list) and names texts it must flag and must pass.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type {
  JailbreakDetector,
  JailbreakVerdict,
  PiiDetector,
  PiiEntity,
} from '../../src/guards/types.js'

export interface DetectorHarness<D> {
  build(): Promise<D | null>
  /** Text the detector must flag (jailbreak) or find entities of `type` in (PII). */
  readonly positive: { readonly text: string; readonly type?: string }
  /** Text it must pass (benign / no PII). */
  readonly negative: string
}

// Longer than a small model's window, within the default inference.max_chunks.
const PADDING = 'lorem ipsum dolor sit amet '.repeat(12)
const ODD = '🙂 ﷽ \u202e naïve café 数学 '

/** A detector reports failures as a rejected promise; a synchronous throw fails the suite. */
async function settle<T>(p: Promise<T>): Promise<{ ok: true; v: T } | { ok: false; err: unknown }> {
  return p.then(
    (v) => ({ ok: true as const, v }),
    (err: unknown) => ({ ok: false as const, err }),
  )
}

function suite<D extends { readonly kind: string; close?(): Promise<void> }>(
  title: string,
  harness: DetectorHarness<D>,
  body: (get: () => D) => void,
): void {
  describe(title, () => {
    let detector: D
    before(async () => {
      const built = await harness.build()
      assert.ok(built, 'the detector has something to do under the harness config')
      detector = built
    })
    after(async () => {
      await detector?.close?.()
    })
    it('names its kind', () => {
      assert.equal(typeof detector.kind, 'string')
      assert.notEqual(detector.kind, '')
    })
    body(() => detector)
    it('closes idempotently', async () => {
      await detector.close?.()
      await detector.close?.()
    })
  })
}

function checkVerdict(v: JailbreakVerdict): void {
  assert.equal(typeof v.isJailbreak, 'boolean')
  assert.ok(v.confidence >= 0 && v.confidence <= 1, `confidence ${v.confidence}`)
  assert.notEqual(v.label, '')
  assert.notEqual(v.source, '')
  // A verdict's label agrees with its flag: benign verdicts are never labelled as attacks.
  if (!v.isJailbreak) assert.equal(v.label, 'benign')
}

export function jailbreakConformance(name: string, harness: DetectorHarness<JailbreakDetector>) {
  suite(`jailbreak detector conformance: ${name}`, harness, (get) => {
    it('flags the attack and passes the benign text, with well-formed verdicts', async () => {
      const attack = await get().detect(harness.positive.text)
      checkVerdict(attack)
      assert.equal(attack.isJailbreak, true)
      const benign = await get().detect(harness.negative)
      checkVerdict(benign)
      assert.equal(benign.isJailbreak, false)
    })

    it('still flags the attack at the end of a long padded prompt', async () => {
      const verdict = await get().detect(`${PADDING}${harness.positive.text}`)
      checkVerdict(verdict)
      assert.equal(verdict.isJailbreak, true, 'nothing past a model window goes unscanned')
    })

    it('answers the same way alone and concurrently', async () => {
      const texts = [harness.positive.text, harness.negative, 'hello', harness.positive.text]
      const alone: JailbreakVerdict[] = []
      for (const t of texts) alone.push(await get().detect(t))
      assert.deepEqual(await Promise.all(texts.map((t) => get().detect(t))), alone)
    })

    it('copes with empty and odd text', async () => {
      for (const text of ['', '  \n ', ODD, `${ODD}${harness.negative}`]) {
        const v = await get().detect(text)
        checkVerdict(v)
        assert.equal(v.isJailbreak, false, JSON.stringify(text))
      }
    })

    it('never clears an attack because the request was aborted', async () => {
      const r = await settle(get().detect(harness.positive.text, AbortSignal.abort()))
      if (r.ok) assert.equal(r.v.isJailbreak, true)
      else assert.ok(r.err instanceof Error)
    })
  })
}

function checkEntities(d: PiiDetector, text: string, entities: readonly PiiEntity[]): void {
  for (const e of entities) {
    assert.ok(d.types.includes(e.type), `${e.type} is one of the detector's types`)
    assert.ok(e.start >= 0 && e.start < e.end && e.end <= text.length, `${e.start}..${e.end}`)
    assert.equal(e.value, text.slice(e.start, e.end), 'offsets point at the value')
    assert.ok(e.confidence >= 0 && e.confidence <= 1)
    assert.notEqual(e.source, '')
  }
}

export function piiConformance(name: string, harness: DetectorHarness<PiiDetector>) {
  const type = harness.positive.type ?? ''
  suite(`PII detector conformance: ${name}`, harness, (get) => {
    it('finds the known entity and nothing in the clean text, with well-formed entities', async () => {
      const d = get()
      assert.ok(d.types.includes(type), `${type} is one of its types`)
      const found = await d.detect(harness.positive.text)
      checkEntities(d, harness.positive.text, found)
      assert.ok(
        found.some((e) => e.type === type),
        `${type} in ${JSON.stringify(found)}`,
      )
      assert.deepEqual(await d.detect(harness.negative), [])
    })

    it('keeps offsets right after astral and combining characters and past a model window', async () => {
      for (const text of [`${ODD}${harness.positive.text}`, `${PADDING}${harness.positive.text}`]) {
        const found = await get().detect(text)
        checkEntities(get(), text, found)
        assert.ok(
          found.some((e) => e.type === type),
          JSON.stringify(text.slice(-60)),
        )
      }
    })

    it('answers the same way alone and concurrently', async () => {
      const texts = [harness.positive.text, harness.negative, '', harness.positive.text]
      const alone: PiiEntity[][] = []
      for (const t of texts) alone.push(await get().detect(t))
      assert.deepEqual(await Promise.all(texts.map((t) => get().detect(t))), alone)
      assert.deepEqual(alone[2], [], 'empty text has no entities')
    })

    it('never drops entities because the request was aborted', async () => {
      const r = await settle(get().detect(harness.positive.text, AbortSignal.abort()))
      if (r.ok)
        assert.ok(
          r.v.some((e) => e.type === type),
          'an answer despite the abort is the full answer',
        )
      else assert.ok(r.err instanceof Error)
    })
  })
}
