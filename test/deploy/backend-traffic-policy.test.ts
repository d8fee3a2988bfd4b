/**
 * Every Envoy Gateway BackendTrafficPolicy under deploy/ (no cluster here): parsed from the YAML and
 * checked against the documented Envoy Gateway API shape of the fields we use (strict: a misspelt
 * field fails), with trigger names from Envoy Gateway's retry trigger enum, durations in Gateway
 * API form, and targetRefs that name a route the same directory defines (AI Gateway generates an
 * HTTPRoute named after its AIGatewayRoute).
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { parseAllDocuments } from 'yaml'
import { z } from 'zod'

const DEPLOY = join(import.meta.dirname, '../../deploy')

/** Envoy Gateway's retry triggers (RetryOn.triggers). */
const TRIGGERS = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const

/** Gateway API duration: e.g. 100ms, 2s, 1m. */
const duration = z.string().regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/)
const targetRef = z.strictObject({
  group: z.literal('gateway.networking.k8s.io'),
  kind: z.enum(['HTTPRoute', 'GRPCRoute', 'Gateway']),
  name: z.string().min(1),
  sectionName: z.string().optional(),
})
const retry = z.strictObject({
  numRetries: z.number().int().min(0),
  numAttemptsPerPriority: z.number().int().min(0).optional(),
  retryOn: z.strictObject({
    triggers: z.array(z.enum(TRIGGERS)).min(1),
    httpStatusCodes: z.array(z.number().int().min(100).max(599)).optional(),
  }),
  perRetry: z
    .strictObject({
      timeout: duration.optional(),
      backOff: z.strictObject({ baseInterval: duration, maxInterval: duration }).optional(),
    })
    .optional(),
})
const passive = z.strictObject({
  splitExternalLocalOriginErrors: z.boolean().optional(),
  interval: duration.optional(),
  consecutiveLocalOriginFailures: z.number().int().min(0).optional(),
  consecutiveGatewayErrors: z.number().int().min(0).optional(),
  consecutive5XxErrors: z.number().int().min(0).optional(),
  baseEjectionTime: duration.optional(),
  maxEjectionPercent: z.number().int().min(0).max(100).optional(),
})
const backendTrafficPolicy = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('BackendTrafficPolicy'),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
  spec: z.strictObject({
    targetRefs: z.array(targetRef).min(1),
    retry: retry.optional(),
    healthCheck: z.strictObject({ passive: passive.optional() }).optional(),
  }),
})

type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } }

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? yamlFiles(join(dir, e.name))
      : /\.ya?ml$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  )
}

function documents(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Doc => typeof d === 'object' && d !== null && !Array.isArray(d))
}

/** Problems of one policy: its shape, and routes it targets that the directory does not define. */
function problems(policy: Doc, siblings: readonly Doc[]): string[] {
  const parsed = backendTrafficPolicy.safeParse(policy)
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  const routes = new Set(
    siblings
      .filter((d) => d.kind === 'HTTPRoute' || d.kind === 'AIGatewayRoute')
      .map((d) => d.metadata?.name),
  )
  const out: string[] = []
  for (const ref of parsed.data.spec.targetRefs)
    if (ref.kind === 'HTTPRoute' && !routes.has(ref.name)) out.push(`no route named ${ref.name}`)
  const r = parsed.data.spec.retry
  if (r?.retryOn.triggers.includes('retriable-status-codes') && !r.retryOn.httpStatusCodes?.length)
    out.push('retriable-status-codes without httpStatusCodes')
  return out
}

describe('deploy: Envoy Gateway BackendTrafficPolicy', () => {
  const byDir = new Map<string, Doc[]>()
  for (const file of yamlFiles(DEPLOY)) {
    const dir = relative(DEPLOY, join(file, '..'))
    byDir.set(dir, [...(byDir.get(dir) ?? []), ...documents(file)])
  }
  const policies = [...byDir].flatMap(([dir, docs]) =>
    docs.filter((d) => d.kind === 'BackendTrafficPolicy').map((p) => ({ dir, p, docs })),
  )

  it('the AI Gateway example ships one with retries and passive health checks', () => {
    const ours = policies.find((x) => x.dir === join('envoy', 'ai-gateway'))
    assert.ok(ours, 'no BackendTrafficPolicy next to the AI Gateway manifests')
    const spec = backendTrafficPolicy.parse(ours.p).spec
    assert.ok(spec.retry && spec.retry.numRetries > 0)
    assert.ok(spec.retry.retryOn.httpStatusCodes?.includes(429))
    for (const t of ['connect-failure', 'reset'] as const)
      assert.ok(spec.retry.retryOn.triggers.includes(t), t)
    assert.ok(spec.retry.perRetry?.timeout && spec.retry.perRetry.backOff)
    assert.ok(spec.healthCheck?.passive?.consecutive5XxErrors)
  })

  for (const { dir, p, docs } of policies)
    it(`${dir}/${String(p.metadata?.name)} has the documented shape and targets a route`, () => {
      assert.deepEqual(problems(p, docs), [])
    })

  it('the checks fail on broken variants', () => {
    /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- free-form YAML edits */
    const { p, docs } = policies[0]!
    const broken = (edit: (spec: Record<string, any>) => void): string[] => {
      const copy = structuredClone(p) as Doc & { spec: Record<string, any> }
      edit(copy.spec)
      return problems(copy, docs)
    }
    assert.notDeepEqual(
      broken((s) => (s['retry'].retryOn.triggers = ['5xx', 'connection-failure'])),
      [],
    )
    assert.notDeepEqual(
      broken((s) => (s['retry'].retries = s['retry'].numRetries)),
      [],
    )
    assert.notDeepEqual(
      broken((s) => (s['retry'].perRetry.timeout = '60 seconds')),
      [],
    )
    assert.notDeepEqual(
      broken((s) => (s['healthCheck'].passive.consecutive5xxErrors = 3)),
      [],
    )
    assert.notDeepEqual(
      broken((s) => (s['targetRefs'][0].name = 'elsewhere')),
      [],
    )
    assert.notDeepEqual(
      broken((s) => delete s['retry'].retryOn.httpStatusCodes),
      [],
    )
  })
})
