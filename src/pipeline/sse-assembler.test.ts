import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SseAssembler } from './sse-assembler.js'

const event = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`

describe('SSE assembler', () => {
  it('assembles content, reasoning, finish reason and usage', () => {
    const a = new SseAssembler(1 << 20)
    a.push(
      Buffer.from(
        event({
          id: 'x',
          model: 'm',
          created: 5,
          choices: [{ delta: { reasoning_content: 'hmm ' } }],
        }),
      ),
    )
    a.push(
      Buffer.from(
        event({ id: 'x', choices: [{ delta: { content: 'héllo' }, finish_reason: 'stop' }] }),
      ),
    )
    a.push(
      Buffer.from(
        event({ id: 'x', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
      ),
    )
    a.push(Buffer.from('data: [DONE]\n\n'))
    a.end()
    assert.deepEqual(a.result(), {
      id: 'x',
      model: 'm',
      created: 5,
      content: 'héllo',
      reasoningContent: 'hmm ',
      finishReason: 'stop',
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    })
  })
  it('gives no result for a stream cut before [DONE]', () => {
    const a = new SseAssembler(1 << 20)
    a.push(Buffer.from(event({ id: 'x', choices: [{ delta: { content: 'partial' } }] })))
    a.end()
    assert.equal(a.result(), undefined)
    assert.equal(a.sawDone, false)
  })
  it('counts malformed events and keeps going', () => {
    const a = new SseAssembler(1 << 20)
    a.push(
      Buffer.from(
        'data: {broken\n\n' +
          event({ id: 'y', choices: [{ delta: { content: 'ok' } }] }) +
          'data: [DONE]\n',
      ),
    )
    a.end()
    assert.equal(a.malformedEvents, 1)
    assert.equal(a.result()?.content, 'ok')
  })
  it('stops assembling past the size bound', () => {
    const a = new SseAssembler(10)
    a.push(
      Buffer.from(
        event({ id: 'z', choices: [{ delta: { content: 'this is far too long' } }] }) +
          'data: [DONE]\n\n',
      ),
    )
    a.end()
    assert.equal(a.truncated, true)
    assert.equal(a.result(), undefined)
  })
})
