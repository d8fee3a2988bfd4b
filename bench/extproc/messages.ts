/**
 * The ext_proc messages a benchmark stream sends, encoded once with the project's protos so the
 * load generator spends its time on the wire, not on protobuf encoding. One stream = the four
 * messages Envoy sends for a routed chat request with BUFFERED bodies.
 */
import { loadServices } from '../../src/extproc/proto.js'
import type { ProcessingRequest } from '../../src/extproc/wire.js'

/** The prompts the streams cycle through (also timed by bench/classifiers/jailbreak-shortcuts.ts). */
export const PROMPTS: readonly string[] = [
  'What is the derivative of x^3 + 2x with respect to x?',
  'Write a python function that reverses a linked list.',
  'How should a small business plan its quarterly budget?',
  'Explain how vaccines train the immune system.',
  'Tell me something interesting about octopuses.',
  'Prove that the square root of two is irrational.',
  'Why does my javascript promise never resolve?',
  'What are the main causes of inflation?',
]

function headers(list: Record<string, string>): ProcessingRequest['request_headers'] {
  return {
    headers: {
      headers: Object.entries(list).map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
    },
  }
}

export interface StreamMessages {
  readonly requestHeaders: Buffer
  readonly requestBody: Buffer
  readonly responseHeaders: Buffer
  readonly responseBody: Buffer
}

export function encodeStreams(): StreamMessages[] {
  const serialize = loadServices().extProc['Process']!.requestSerialize
  const completion = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'qwen3-8b',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'x'.repeat(400) }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 24, completion_tokens: 100, total_tokens: 124 },
  })
  return PROMPTS.map((prompt, i) => {
    const body = JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: prompt }] })
    return {
      requestHeaders: serialize({
        request_headers: {
          ...headers({
            ':method': 'POST',
            ':path': '/v1/chat/completions',
            ':authority': 'router.local',
            ':scheme': 'http',
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'x-request-id': `bench-${i}`,
            'user-agent': 'OpenAI/Python 1.50.0',
          }),
          end_of_stream: false,
        },
      } satisfies ProcessingRequest),
      requestBody: serialize({ request_body: { body: Buffer.from(body), end_of_stream: true } }),
      responseHeaders: serialize({
        response_headers: {
          ...headers({
            ':status': '200',
            'content-type': 'application/json',
            'content-length': String(completion.length),
          }),
          end_of_stream: false,
        },
      }),
      responseBody: serialize({
        response_body: { body: Buffer.from(completion), end_of_stream: true },
      }),
    }
  })
}

/** Field number of the reply's oneof case, from its first tag byte (1 request_headers … 7 immediate). */
export function replyCase(reply: Buffer): number {
  return (reply[0] ?? 0) >> 3
}
