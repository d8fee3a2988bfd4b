/**
 * One table of hostile requests, sent through both transports: the standalone gateway and ext_proc
 * (driven as Envoy drives it). For every row the same outcome must hold on both — routing headers
 * never reach the upstream, the request id follows one rule, refusals carry the same status, code,
 * headers, log line and metric, and the processing deadline stops the work on both.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { metricValue } from '../helpers/extproc.js'
import { familiesConfig, FAMILY_MODELS, startSim } from '../helpers/router.js'
import type { LogLine } from '../helpers/runtime.js'
import {
  chatBody,
  HOSTILE_ROWS,
  LIMITS,
  PROMPT_MARKER,
  SPOOF,
  type HostileRow,
} from './hostile-requests.js'
import {
  extprocUnderTest,
  gatewayUnderTest,
  type Observed,
  type TransportUnderTest,
} from './transports.js'

/** The documented request-id rule (docs/errors.md), written out independently of the code. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const config = (simPort: number): string =>
  familiesConfig(
    simPort,
    `server: { max_body_bytes: ${LIMITS.maxBodyBytes}, processing_timeout_ms: ${LIMITS.deadlineMs} }
extproc: { failure_mode: closed }
`,
  )

async function until(check: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

/** The request id the client must see: theirs when well-formed, else a fresh UUID. */
function checkRequestId(row: HostileRow, sent: string, seen: string | undefined): void {
  assert.ok(seen !== undefined, 'the answer carries x-request-id')
  if (WELL_FORMED_ID.test(sent)) assert.equal(seen, sent, 'a well-formed client id is kept')
  else {
    assert.match(seen, UUID, `a refused id is replaced (${row.name})`)
    assert.notEqual(seen, sent)
  }
}

function checkNoSpoofReachedUpstream(observed: Observed): void {
  if (!observed.upstream) return
  for (const [name, value] of Object.entries(observed.upstream.headers))
    assert.ok(!value.includes(SPOOF), `upstream header ${name} carries a client's routing value`)
}

function events(t: TransportUnderTest, requestId: string): LogLine[] {
  return t.t.logs.filter((l) => l.request_id === requestId)
}

async function checkOutcome(
  t: TransportUnderTest,
  row: HostileRow,
  sentId: string,
  observed: Observed,
  metricsBefore: string,
): Promise<void> {
  const outcome = row.outcome
  const answeredId = observed.headers['x-request-id']
  switch (outcome.kind) {
    case 'routed': {
      assert.equal(observed.status, 200, observed.body)
      assert.ok(observed.upstream, 'forwarded')
      checkRequestId(row, sentId, answeredId)
      assert.equal(
        observed.upstream.headers['x-request-id'],
        answeredId,
        'upstream sees the same id',
      )
      assert.equal(observed.upstream.headers['x-selected-model'], outcome.model)
      assert.equal((JSON.parse(observed.upstream.body) as { model: string }).model, outcome.model)
      assert.equal(observed.headers['x-vsr-selected-model'], outcome.model)
      return
    }
    case 'refused': {
      assert.equal(observed.status, outcome.status, observed.body)
      assert.equal(observed.upstream, undefined, 'nothing forwarded')
      checkRequestId(row, sentId, answeredId)
      const error = (JSON.parse(observed.body) as { error: Record<string, unknown> }).error
      assert.equal(error['code'], outcome.code)
      assert.equal(typeof error['message'], 'string')
      assert.equal(typeof error['type'], 'string')
      assert.equal(observed.headers['content-type'], 'application/json')
      assert.equal(observed.headers['allow'], outcome.allow)
      assert.ok(!observed.body.includes(PROMPT_MARKER), 'the prompt is echoed in the answer')
      for (const line of events(t, answeredId!))
        assert.ok(!JSON.stringify(line).includes(PROMPT_MARKER), 'the prompt is in a log line')
      const lines = events(t, answeredId!).filter(
        (l) => l.event === 'request_error' || l.event === 'request_rejected',
      )
      assert.deepEqual(
        lines.map((l) => [l.event, l['code']]),
        [[outcome.loggedAs, outcome.code]],
        'exactly one log line reports it',
      )
      const after = await t.t.metricsText()
      const count = (text: string): number =>
        outcome.reason === undefined
          ? 0
          : metricValue(text, 'llm_request_errors_total', { reason: outcome.reason })
      assert.equal(count(after) - count(metricsBefore), outcome.reason === undefined ? 0 : 1)
      return
    }
    case 'models': {
      assert.equal(observed.status, 200)
      assert.equal(observed.upstream, undefined)
      checkRequestId(row, sentId, answeredId)
      const list = JSON.parse(observed.body) as { object: string; data: { id: string }[] }
      assert.equal(list.object, 'list')
      assert.equal(list.data[0]?.id, 'MoM')
      return
    }
    case 'not_routed': {
      const requests = (text: string): number => metricValue(text, 'llm_model_requests_total')
      assert.equal(requests(await t.t.metricsText()), requests(metricsBefore), 'pipeline not run')
      if (t.name === 'gateway') {
        // Nowhere to forward it: refused as no route, with the usual id and body.
        assert.equal(observed.status, 404)
        assert.equal(observed.upstream, undefined)
        checkRequestId(row, sentId, answeredId)
        const error = (JSON.parse(observed.body) as { error: { code: string } }).error
        assert.equal(error.code, 'route_not_found')
      } else {
        // Envoy forwards it untouched apart from the routing headers (and a refused id).
        assert.ok(observed.upstream, 'passed through')
        assert.equal(observed.upstream.body, row.request.body)
        checkRequestId(row, sentId, observed.upstream.headers['x-request-id'])
      }
      return
    }
  }
}

describe('hostile requests get the same outcome on the gateway and ext_proc', () => {
  let sim: Simulator
  const transports: TransportUnderTest[] = []
  before(async () => {
    sim = await startSim({ models: FAMILY_MODELS })
    const yaml = config(sim.port)
    transports.push(await gatewayUnderTest(yaml, sim, chatBody()))
    transports.push(await extprocUnderTest(yaml, chatBody()))
  })
  after(async () => {
    for (const t of transports) await t.close()
    await sim.close()
  })

  HOSTILE_ROWS.forEach((row, index) => {
    it(row.name, async () => {
      for (const t of transports) {
        const defaultId = `row-${index}-${t.name}`
        const sentId = row.request.headers?.['x-request-id'] ?? defaultId
        const metricsBefore = await t.t.metricsText()
        const observed = await t.send(row.request, defaultId)
        try {
          checkNoSpoofReachedUpstream(observed)
          await checkOutcome(t, row, sentId, observed, metricsBefore)
          if (row.aborted) {
            const id = observed.headers['x-request-id']!
            assert.ok(t.aborted.has(id), 'the pipeline was told to stop at the deadline')
            // The late decision is still closed, so modules release what they hold.
            const closed = await until(() =>
              events(t, id).some(
                (l) => l.event === 'routing_decision' && l['error'] === 'processing_timeout',
              ),
            )
            assert.ok(closed, 'the late decision is logged as processing_timeout')
          }
        } catch (err) {
          ;(err as Error).message = `[${t.name}] ${(err as Error).message}`
          throw err
        }
      }
    })
  })
})
