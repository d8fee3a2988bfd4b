import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseGrpcTimeout } from './deadline.js'
import { frameMessage, MessageDecoder } from './framing.js'
import { encodeGrpcMessage, GrpcStatus, type GrpcError } from './status.js'

function decodeAll(decoder: MessageDecoder, chunks: Buffer[]): string[] {
  const out: string[] = []
  for (const chunk of chunks) decoder.push(chunk, (m) => out.push(m.toString()))
  return out
}

const framed = Buffer.concat(
  ['hello', '', 'a longer message'].map((s) => frameMessage(Buffer.from(s))),
)

describe('gRPC message framing', () => {
  it('frames with a zero flag and a big-endian length', () => {
    assert.equal(frameMessage(Buffer.from('abc')).toString('hex'), '0000000003616263')
  })

  it('decodes messages however the chunks split them', () => {
    const expected = ['hello', '', 'a longer message']
    assert.deepEqual(decodeAll(new MessageDecoder(100), [framed]), expected)
    for (let size = 1; size <= framed.length; size++) {
      const chunks: Buffer[] = []
      for (let i = 0; i < framed.length; i += size) chunks.push(framed.subarray(i, i + size))
      const decoder = new MessageDecoder(100)
      assert.deepEqual(decodeAll(decoder, chunks), expected, `chunks of ${size}`)
      assert.equal(decoder.midMessage, false)
    }
  })

  it('knows when a stream stops in the middle of a message', () => {
    const decoder = new MessageDecoder(100)
    decodeAll(decoder, [framed.subarray(0, 3)])
    assert.equal(decoder.midMessage, true)
    const body = new MessageDecoder(100)
    decodeAll(body, [framed.subarray(0, 7)])
    assert.equal(body.midMessage, true)
  })

  it('refuses an oversized message from its prefix, before buffering it', () => {
    const decoder = new MessageDecoder(4)
    assert.throws(
      () => decoder.push(frameMessage(Buffer.from('hello')).subarray(0, 5), () => undefined),
      (err: GrpcError) =>
        err.code === GrpcStatus.RESOURCE_EXHAUSTED && /5 vs\. 4/.test(err.message),
    )
  })

  it('refuses compressed messages (UNIMPLEMENTED) and unknown flags (INTERNAL)', () => {
    const compressed = frameMessage(Buffer.from('x'))
    compressed[0] = 1
    assert.throws(
      () => new MessageDecoder(10).push(compressed, () => undefined),
      (err: GrpcError) => err.code === GrpcStatus.UNIMPLEMENTED,
    )
    compressed[0] = 7
    assert.throws(
      () => new MessageDecoder(10).push(compressed, () => undefined),
      (err: GrpcError) => err.code === GrpcStatus.INTERNAL,
    )
  })
})

describe('gRPC header values', () => {
  it('percent-encodes grpc-message outside printable ASCII, and % itself', () => {
    assert.equal(encodeGrpcMessage('plain text: ok'), 'plain text: ok')
    assert.equal(encodeGrpcMessage('100% ✓\n'), '100%25 %E2%9C%93%0A')
    assert.equal(decodeURIComponent(encodeGrpcMessage('é % ✓')), 'é % ✓')
  })

  it('reads grpc-timeout in every unit and ignores malformed values', () => {
    assert.equal(parseGrpcTimeout('2S'), 2000)
    assert.equal(parseGrpcTimeout('1H'), 3_600_000)
    assert.equal(parseGrpcTimeout('3M'), 180_000)
    assert.equal(parseGrpcTimeout('250m'), 250)
    assert.equal(parseGrpcTimeout('5000u'), 5)
    assert.equal(parseGrpcTimeout('1000000n'), 1)
    for (const bad of [undefined, '', '10', '123456789S', '1s', '-1S', ['1S']])
      assert.equal(parseGrpcTimeout(bad), undefined, String(bad))
  })
})
