/**
 * Wire compatibility: bytes produced with Envoy's own .proto files (data-plane-api, via a one-off
 * encoding outside this repo) decode with our protos, and our replies encode to the same bytes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { processCodec } from './codec.js'
import { loadServices } from './proto.js'
import type { ProcessingRequest, ProcessingResponse } from './wire.js'

const ENVOY_BYTES = {
  requestHeaders:
    '12470a450a0f0a073a6d6574686f641a04504f53540a1d0a053a706174681a142f76312f636861742f636f6d706c6574696f6e730a130a0c782d726571756573742d69641a0361626342540a520a14656e766f792e6c622e7375627365745f68696e74123a0a380a25782d676174657761792d64657374696e6174696f6e2d656e64706f696e742d737562736574120f1a0d31302e302e302e313a38303030',
  requestBodyObservability: '22130a0f7b226d6f64656c223a224d6f4d227d10015001',
  bodyReply:
    '1a3b0a39122f0a1d0a190a10782d73656c65637465642d6d6f64656c1a057177656e331802120e636f6e74656e742d6c656e6774681a040a027b7d280142430a410a08656e766f792e6c6212352a330a310a1e782d676174657761792d64657374696e6174696f6e2d656e64706f696e74120f1a0d31302e302e302e313a38303030',
  headersReplyWithOverride:
    '12230a21121f0a1d0a190a14782d7673722d73656c65637465642d6d6f64656c1a016d18024a022001',
  immediate:
    '3a4c0a0308c80112260a240a200a0c636f6e74656e742d747970651a106170706c69636174696f6e2f6a736f6e18021a027b7d2a1973656d616e7469635f726f757465725f63616368655f686974',
  clearBody: '1a060a041a021001',
}

// Both codecs: the server's (protobufjs on plain objects) and proto-loader's (clients, tests).
const CODECS = [
  [
    'server codec',
    {
      requestDeserialize: (bytes: Buffer) => processCodec().decode(bytes),
      responseSerialize: (r: ProcessingResponse) => Buffer.from(processCodec().encode(r)),
    },
  ],
  ['proto-loader', loadServices().extProc['Process']!],
] as const

for (const [codecName, process] of CODECS) {
  const decodeRequest = (hex: string) =>
    process.requestDeserialize(Buffer.from(hex, 'hex')) as ProcessingRequest
  const encodeResponse = (r: ProcessingResponse) => process.responseSerialize(r).toString('hex')

  describe(`ext_proc protos match Envoy on the wire (${codecName})`, () => {
    it('decodes Envoy request messages', () => {
      const headers = decodeRequest(ENVOY_BYTES.requestHeaders)
      assert.equal(headers.request, 'request_headers')
      const list = headers.request_headers!.headers!.headers!
      assert.deepEqual(
        list.map((h) => [h.key, h.raw_value!.toString()]),
        [
          [':method', 'POST'],
          [':path', '/v1/chat/completions'],
          ['x-request-id', 'abc'],
        ],
      )
      assert.ok(headers.metadata_context?.filter_metadata?.['envoy.lb.subset_hint'])
      const body = decodeRequest(ENVOY_BYTES.requestBodyObservability)
      assert.equal(body.request_body!.body!.toString(), '{"model":"MoM"}')
      assert.equal(body.request_body!.end_of_stream, true)
      assert.equal(body.observability_mode, true)
    })

    it('encodes replies byte for byte as Envoy protos do', () => {
      const value = (s: string) => Buffer.from(s)
      assert.equal(
        encodeResponse({
          request_body: {
            response: {
              header_mutation: {
                set_headers: [
                  {
                    header: { key: 'x-selected-model', raw_value: value('qwen3') },
                    append_action: 2,
                  },
                ],
                remove_headers: ['content-length'],
              },
              body_mutation: { body: value('{}') },
              clear_route_cache: true,
            },
          },
          dynamic_metadata: {
            fields: {
              'envoy.lb': {
                structValue: {
                  fields: { 'x-gateway-destination-endpoint': { stringValue: '10.0.0.1:8000' } },
                },
              },
            },
          },
        }),
        ENVOY_BYTES.bodyReply,
      )
      assert.equal(
        encodeResponse({
          response_headers: {
            response: {
              header_mutation: {
                set_headers: [
                  {
                    header: { key: 'x-vsr-selected-model', raw_value: value('m') },
                    append_action: 2,
                  },
                ],
              },
            },
          },
          mode_override: { response_body_mode: 1 },
        }),
        ENVOY_BYTES.headersReplyWithOverride,
      )
      assert.equal(
        encodeResponse({
          immediate_response: {
            status: { code: 200 },
            headers: {
              set_headers: [
                {
                  header: { key: 'content-type', raw_value: value('application/json') },
                  append_action: 2,
                },
              ],
            },
            body: value('{}'),
            details: 'semantic_router_cache_hit',
          },
        }),
        ENVOY_BYTES.immediate,
      )
      assert.equal(
        encodeResponse({ request_body: { response: { body_mutation: { clear_body: true } } } }),
        ENVOY_BYTES.clearBody,
      )
    })
  })
}
