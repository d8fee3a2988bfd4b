import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from '../seeded-random.js'
import { chooseFault, faultKinds, findFaultMarker, parseFaultSpec } from './faults.js'

describe('fault specs', () => {
  it('parses every key and flag', () => {
    assert.deepEqual(
      parseFaultSpec('status=503, delay=250,slow-headers=1000,drop=5,malformed,hang,rate=0.25'),
      {
        status: 503,
        delayMs: 250,
        slowHeadersMs: 1000,
        dropAfterTokens: 5,
        malformed: true,
        hang: true,
        rate: 0.25,
      },
    )
  })
  it('rejects unknown keys and out-of-range values with a readable message', () => {
    assert.throws(() => parseFaultSpec('explode=1'), /unknown fault "explode"/)
    assert.throws(() => parseFaultSpec('status=99'), /bad fault "status=99": status/)
    assert.throws(() => parseFaultSpec('rate=2'), /rate/)
    assert.throws(() => parseFaultSpec('delay=abc'), /delayMs/)
  })
  it('finds a marker anywhere in the text', () => {
    assert.equal(findFaultMarker('please [sim:status=500] now'), 'status=500')
    assert.equal(findFaultMarker('[SIM:drop=2]'), 'drop=2')
    assert.equal(findFaultMarker('no marker [sim:] here'), undefined)
  })
  it('names the kinds of a fault', () => {
    assert.deepEqual(faultKinds({ status: 500, delayMs: 1 }), ['delay', 'status'])
    assert.deepEqual(faultKinds({}), [])
  })
})

describe('choosing a fault', () => {
  const never = () => 0.99
  it('prefers the request marker, then the header, then the model', () => {
    const configured = { status: 500 }
    assert.deepEqual(
      chooseFault({ marker: 'status=502', header: 'status=503', configured }, never),
      {
        fault: { status: 502 },
        source: 'marker',
      },
    )
    assert.deepEqual(chooseFault({ header: 'status=503', configured }, never), {
      fault: { status: 503 },
      source: 'header',
    })
    assert.deepEqual(chooseFault({ configured }, never), { fault: configured, source: 'model' })
    assert.deepEqual(chooseFault({}, never), { fault: undefined, source: 'none' })
  })
  it('applies the rate with the seeded generator, the same way every run', () => {
    const pick = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({ length: 200 }, () => {
        const d = chooseFault({ configured: { status: 500, rate: 0.3 } }, random)
        return 'fault' in d && d.fault !== undefined
      })
    }
    const hits = (seed: number) => {
      const random = seededRandom(seed)
      let n = 0
      for (let i = 0; i < 1000; i++) {
        const d = chooseFault({ configured: { status: 500, rate: 0.3 } }, random)
        if ('fault' in d && d.fault !== undefined) n++
      }
      return n
    }
    assert.deepEqual(pick(7), pick(7))
    assert.notDeepEqual(pick(7), pick(8))
    assert.equal(hits(42), hits(42))
    assert.ok(hits(42) > 240 && hits(42) < 360, `about 30% of 1000, got ${hits(42)}`)
  })
  it('reports a bad request spec instead of ignoring it', () => {
    const d = chooseFault({ header: 'status=abc' }, never)
    assert.ok('error' in d && /status/.test(d.error))
  })
})
