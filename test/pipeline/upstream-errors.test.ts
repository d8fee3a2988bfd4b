/**
 * An upstream error the client can act on, through both transports: a wrong endpoint that answers
 * 404 with an empty body (or a proxy's HTML 502) becomes the router's OpenAI-shaped
 * `upstream_http_error` with the endpoint's status, naming the endpoint and the model; a JSON
 * error body from the endpoint passes unchanged. Either way `x-vsr-error-source: upstream` and
 * `x-vsr-selected-model` say where it came from, and `upstream_error` is logged.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { EnvoyClient, type UpstreamResponse } from '../helpers/envoy.js'
import { postJson, startRouter, type TestRouter } from '../helpers/router.js'

/** What the "wrong endpoint" answers, by the model asked for. */
const ANSWERS: Record<string, UpstreamResponse> = {
  'empty-404': { status: 404, headers: {}, chunks: [] },
  'html-502': {
    status: 502,
    headers: { 'content-type': 'text/html' },
    chunks: [Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>')],
  },
  'json-404': {
    status: 404,
    headers: { 'content-type': 'application/json' },
    chunks: [
      Buffer.from(
        '{"object":"error","message":"The model `json-404` does not exist.","type":"NotFoundError","param":null,"code":404}',
      ),
    ],
  },
}

let backend: Server
let port: number
let router: TestRouter
let envoy: EnvoyClient

before(async () => {
  backend = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const answer = ANSWERS[(JSON.parse(body) as { model: string }).model]!
      res.writeHead(answer.status, answer.headers).end(Buffer.concat(answer.chunks))
    })
  })
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
  port = (backend.address() as { port: number }).port
  router = await startRouter(
    `
vllm_endpoints:
  - { name: wrong-port, address: 127.0.0.1, port: ${port} }
model_config:
  empty-404: { preferred_endpoints: [wrong-port] }
  html-502: { preferred_endpoints: [wrong-port] }
  json-404: { preferred_endpoints: [wrong-port] }
default_model: empty-404
`,
    { listen: { enableExtproc: true, extprocPort: 0 } },
  )
  envoy = new EnvoyClient(`127.0.0.1:${router.app.extproc!.port}`)
})

after(async () => {
  envoy?.close()
  await router?.close()
  await new Promise((resolve) => backend?.close(resolve))
})

const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'Hello' }] })

async function viaGateway(model: string) {
  const r = await postJson(`${router.gatewayUrl}/v1/chat/completions`, chat(model))
  return { status: r.status, header: (n: string) => r.headers.get(n) ?? undefined, text: r.text }
}

async function viaExtproc(model: string) {
  const ex = await envoy.exchange({ body: JSON.stringify(chat(model)) }, () => ANSWERS[model]!)
  return { status: ex.status, header: (n: string) => ex.headers[n], text: ex.body.toString() }
}

for (const [transport, send] of [
  ['gateway', viaGateway],
  ['ext_proc', viaExtproc],
] as const) {
  describe(`upstream errors through the ${transport}`, () => {
    for (const model of ['empty-404', 'html-502']) {
      it(`${model}: the router explains, keeping the status`, async () => {
        const r = await send(model)
        const expected = ANSWERS[model]!.status
        assert.equal(r.status, expected)
        assert.equal(r.header('x-vsr-error-source'), 'upstream')
        assert.equal(r.header('x-vsr-selected-model'), model)
        const body = JSON.parse(r.text) as { error: Record<string, string> }
        assert.equal(body.error['code'], 'upstream_http_error')
        assert.equal(body.error['type'], 'upstream_error')
        assert.match(
          body.error['message']!,
          new RegExp(`endpoint 'wrong-port' answered ${expected}`),
        )
        assert.match(body.error['message']!, new RegExp(`for model '${model}'`))
        const logged = router.events('upstream_error').filter((l) => l['model'] === model)
        assert.ok(
          logged.some((l) => l['address'] === `127.0.0.1:${port}` && l['status'] === expected),
        )
      })
    }

    it('json-404: the endpoint’s own error passes unchanged, marked as upstream', async () => {
      const r = await send('json-404')
      assert.equal(r.status, 404)
      assert.equal(r.text, ANSWERS['json-404']!.chunks[0]!.toString())
      assert.equal(r.header('x-vsr-error-source'), 'upstream')
    })
  })
}
