import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SseUsageStripper } from './sse-usage-stripper.js'

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`
const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' }
const delta = (content: string, extra: Record<string, unknown> = {}) =>
  ev({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }], ...extra })
const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }

function run(chunks: string[]): string {
  const s = new SseUsageStripper(1024)
  return chunks.map((c) => s.push(Buffer.from(c)).toString()).join('') + s.end().toString()
}

describe('SseUsageStripper', () => {
  it('drops the usage-only chunk and passes the rest byte for byte', () => {
    const stream = [
      delta('Hel'),
      delta('lo'),
      ev({ ...base, choices: [], usage }),
      'data: [DONE]\n\n',
    ]
    assert.equal(run(stream), delta('Hel') + delta('lo') + 'data: [DONE]\n\n')
  })
  it('removes usage: null from content chunks and usage on a last content chunk', () => {
    const stream = [delta('a', { usage: null }), delta('b', { usage }), 'data: [DONE]\n\n']
    assert.equal(run(stream), delta('a') + delta('b') + 'data: [DONE]\n\n')
  })
  it('handles events split across chunks, several per chunk, and CRLF boundaries', () => {
    const all =
      delta('x') +
      ev({ ...base, choices: [], usage }).replace('\n\n', '\r\n\r\n') +
      'data: [DONE]\n\n'
    const pieces = [all.slice(0, 7), all.slice(7, 60), all.slice(60, 61), all.slice(61)]
    assert.equal(run(pieces), delta('x') + 'data: [DONE]\n\n')
  })
  it('returns the same buffer when nothing changes (ext_proc can CONTINUE)', () => {
    const s = new SseUsageStripper(1024)
    const chunk = Buffer.from(delta('a') + delta('b'))
    assert.equal(s.push(chunk), chunk)
  })
  it('passes what it cannot read: no JSON, comments, a runaway event', () => {
    assert.equal(
      run([': keep-alive\n\n', 'data: {"usage": oops}\n\n']),
      ': keep-alive\n\ndata: {"usage": oops}\n\n',
    )
    const s = new SseUsageStripper(16)
    assert.equal(s.push(Buffer.from('x'.repeat(40))).toString(), 'x'.repeat(40))
    assert.equal(
      s.push(Buffer.from(ev({ choices: [], usage }))).toString(),
      ev({ choices: [], usage }),
    )
  })
})
