/**
 * No Envoy binary exists here, so every file under deploy/envoy is checked structurally: known
 * filter and type names, every referenced cluster/backend/service exists, the ext_proc wiring
 * matches the router (port, HTTP/2, processing modes, timeouts), and header names and model names
 * agree with the router's defaults and with the router config each setup ships with.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { parseAllDocuments } from 'yaml'
import { parseConfigText } from '../../src/config/load.js'
import { routerConfigSchema, type RouterConfig } from '../../src/config/schema/index.js'
import {
  INFERENCE_EXTENSION_HEADER,
  SELECTED_MODEL_HEADER,
} from '../../src/edge/routing-headers.js'

const ROOT = join(import.meta.dirname, '../../deploy/envoy')
const DEFAULTS = routerConfigSchema.parse({})

const KNOWN_TYPES = new Set([
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
  'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute',
  'type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation',
  'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  'type.googleapis.com/envoy.config.listener.v3.Listener',
  'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
])
const KNOWN_FILTERS = new Set([
  'envoy.filters.network.http_connection_manager',
  'envoy.filters.http.ext_proc',
  'envoy.filters.http.header_mutation',
  'envoy.filters.http.router',
  'envoy.access_loggers.stdout',
])
const HEADER_MODES = new Set(['DEFAULT', 'SEND', 'SKIP'])
const BODY_MODES = new Set([
  'NONE',
  'STREAMED',
  'BUFFERED',
  'BUFFERED_PARTIAL',
  'FULL_DUPLEX_STREAMED',
])
const CLUSTER_TYPES = new Set(['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'])
const K8S_KINDS: Record<string, readonly string[]> = {
  'gateway.networking.k8s.io/v1': ['GatewayClass', 'Gateway', 'HTTPRoute'],
  'gateway.networking.k8s.io/v1beta1': ['ReferenceGrant'],
  'aigateway.envoyproxy.io/v1alpha1': ['AIGatewayRoute', 'AIServiceBackend'],
  'gateway.envoyproxy.io/v1alpha1': [
    'Backend',
    'EnvoyPatchPolicy',
    'EnvoyExtensionPolicy',
    'BackendTrafficPolicy',
  ],
  'inference.networking.k8s.io/v1': ['InferencePool'],
  v1: ['Service'],
}
const ROUTING_HEADERS = new Set([SELECTED_MODEL_HEADER, 'x-ai-eg-model', 'x-canary'])
/** Which router config each setup is documented to run with. */
const ROUTER_CONFIG_FOR: Record<string, string> = {
  'basic.yaml': '',
  'local.yaml': '',
  'header-routing.yaml': 'router.header-routing.yaml',
  'ab-test.yaml': 'router.header-routing.yaml',
  'canary.yaml': 'router.header-routing.yaml',
  'llm-d/envoy.yaml': 'router.endpoint-picker.yaml',
  'llm-d/gateway-api.yaml': 'router.endpoint-picker.yaml',
  'ai-gateway/gateway.yaml': 'router.endpoint-picker.yaml',
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : e.name.endsWith('.yaml')
        ? [join(dir, e.name)]
        : [],
  )
}

function docs(path: string): Obj[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, `${path}: ${d.errors.map((e) => e.message).join('; ')}`)
    return d.toJS() as Obj
  })
}

/** Every object in a tree (depth first). */
function* walk(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const v of value) yield* walk(v)
  else if (isObj(value)) {
    yield value
    for (const v of Object.values(value)) yield* walk(v)
  }
}

function routerConfig(name: string): RouterConfig {
  if (name === '') return DEFAULTS
  return parseConfigText(readFileSync(join(ROOT, name), 'utf8'), { source: name }).config
}

function seconds(duration: unknown): number {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(duration))
  assert.ok(m, `duration ${String(duration)}`)
  return Number(m[1])
}

function routerModels(config: RouterConfig): Set<string> {
  return new Set([...Object.keys(config.model_config), config.default_model])
}

/** The ext_proc filter configs in a tree, with whether they point at the router. */
function extProcFilters(tree: unknown): Obj[] {
  return [...walk(tree)].filter(
    (o) =>
      o['@type'] ===
      'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
  )
}

function checkProcessingMode(where: string, mode: unknown): void {
  assert.ok(isObj(mode), `${where}: processing_mode`)
  for (const key of [
    'request_header_mode',
    'response_header_mode',
    'request_trailer_mode',
    'response_trailer_mode',
  ])
    if (mode[key] !== undefined)
      assert.ok(HEADER_MODES.has(mode[key] as string), `${where}: ${key}`)
  for (const key of ['request_body_mode', 'response_body_mode'])
    if (mode[key] !== undefined) assert.ok(BODY_MODES.has(mode[key] as string), `${where}: ${key}`)
}

function checkRouterFilter(where: string, filter: Obj): void {
  checkProcessingMode(where, filter['processing_mode'])
  const mode = filter['processing_mode'] as Obj
  assert.equal(mode['request_header_mode'], 'SEND', `${where}: the router reads request headers`)
  assert.equal(mode['request_body_mode'], 'BUFFERED', `${where}: the router needs the whole body`)
  assert.equal(filter['allow_mode_override'], true, `${where}: SSE needs mode_override`)
  assert.ok(
    seconds(filter['message_timeout']) * 1000 > DEFAULTS.server.processing_timeout_ms,
    `${where}: Envoy's message_timeout must exceed the router's own budget`,
  )
}

function checkBootstrap(name: string, root: Obj, config: RouterConfig): void {
  const resources = root['static_resources'] as Obj
  const clusters = new Map<string, Obj>()
  for (const c of resources['clusters'] as Obj[]) {
    assert.ok(CLUSTER_TYPES.has(String(c['type'])), `${name}: cluster ${String(c['name'])} type`)
    clusters.set(String(c['name']), c)
  }
  for (const o of walk(root)) {
    if (typeof o['@type'] === 'string')
      assert.ok(KNOWN_TYPES.has(o['@type']), `${name}: unknown type ${o['@type']}`)
    if (Array.isArray(o['http_filters'])) {
      const filters = o['http_filters'] as Obj[]
      for (const f of filters) {
        const type = String((f['typed_config'] as Obj)['@type'])
        assert.ok(
          KNOWN_FILTERS.has(String(f['name'])) || KNOWN_TYPES.has(type),
          `${name}: filter ${String(f['name'])}`,
        )
      }
      assert.equal(
        filters.at(-1)!['name'],
        'envoy.filters.http.router',
        `${name}: router filter last`,
      )
      const names = filters.map((f) => f['name'])
      assert.equal(new Set(names).size, names.length, `${name}: filter names are unique`)
    }
    for (const key of ['cluster', 'cluster_name']) {
      if (typeof o[key] === 'string')
        assert.ok(clusters.has(o[key]), `${name}: cluster ${o[key]} is defined`)
    }
    if (isObj(o['weighted_clusters']))
      for (const w of o['weighted_clusters']['clusters'] as Obj[])
        assert.ok(clusters.has(String(w['name'])), `${name}: weighted cluster ${String(w['name'])}`)
    if (
      Array.isArray(o['headers']) &&
      isObj(o['headers'][0]) &&
      'string_match' in o['headers'][0]
    ) {
      for (const h of o['headers'] as Obj[]) {
        assert.ok(
          ROUTING_HEADERS.has(String(h['name'])),
          `${name}: route header ${String(h['name'])}`,
        )
        if (h['name'] === SELECTED_MODEL_HEADER) {
          const model = String((h['string_match'] as Obj)['exact'])
          assert.ok(
            routerModels(config).has(model),
            `${name}: model ${model} is in the router config`,
          )
        }
      }
    }
  }
  const routerFilters = extProcFilters(root).filter((f) => {
    const cluster = clusters.get(
      String(((f['grpc_service'] as Obj)['envoy_grpc'] as Obj)['cluster_name']),
    )!
    return JSON.stringify(cluster).includes(`"port_value":${DEFAULTS.server.extproc_port}`)
  })
  assert.equal(
    routerFilters.length,
    1,
    `${name}: exactly one ext_proc filter talks to the router on :${DEFAULTS.server.extproc_port}`,
  )
  checkRouterFilter(name, routerFilters[0]!)
  for (const f of extProcFilters(root)) checkProcessingMode(name, f['processing_mode'])
  // Every ext_proc cluster speaks HTTP/2 (gRPC).
  for (const f of extProcFilters(root)) {
    const cluster = clusters.get(
      String(((f['grpc_service'] as Obj)['envoy_grpc'] as Obj)['cluster_name']),
    )!
    assert.match(
      JSON.stringify(cluster),
      /http2_protocol_options/,
      `${name}: ${String(cluster['name'])} uses HTTP/2`,
    )
  }
  for (const c of clusters.values()) {
    if (c['type'] !== 'ORIGINAL_DST') continue
    assert.equal(c['lb_policy'], 'CLUSTER_PROVIDED', `${name}: ORIGINAL_DST needs CLUSTER_PROVIDED`)
    const header = String((c['original_dst_lb_config'] as Obj)['http_header_name'])
    const expected = name.startsWith('llm-d')
      ? INFERENCE_EXTENSION_HEADER
      : config.extproc.destination_header
    assert.equal(header, expected, `${name}: ORIGINAL_DST header agrees with the router`)
  }
  // Routing headers a client could forge are stripped before the router runs.
  const stripped = [...walk(root)].flatMap((o) =>
    typeof o['remove'] === 'string' ? [o['remove']] : [],
  )
  assert.ok(
    stripped.includes(config.extproc.destination_header || SELECTED_MODEL_HEADER),
    `${name}: strips forged routing headers`,
  )
  const matchesSelection = [...walk(root)].some(
    (o) => o['name'] === SELECTED_MODEL_HEADER && isObj(o['string_match']),
  )
  if (matchesSelection)
    assert.equal(config.clear_route_cache, true, `${name}: header routing needs clear_route_cache`)
}

function checkKubernetes(
  name: string,
  documents: Obj[],
  all: Map<string, Obj[]>,
  config: RouterConfig,
): void {
  const byKind = (kind: string) => [...all.values()].flat().filter((d) => d['kind'] === kind)
  const names = (kind: string) =>
    new Set(byKind(kind).map((d) => String((d['metadata'] as Obj)['name'])))
  for (const d of documents) {
    const kinds = K8S_KINDS[String(d['apiVersion'])]
    assert.ok(
      kinds?.includes(String(d['kind'])),
      `${name}: ${String(d['apiVersion'])} ${String(d['kind'])}`,
    )
    assert.ok(
      isObj(d['metadata']) && typeof d['metadata']['name'] === 'string',
      `${name}: metadata.name`,
    )
    for (const o of walk(d['spec'])) {
      if (Array.isArray(o['headers']))
        for (const h of o['headers'] as Obj[]) {
          if (!('value' in h)) continue
          assert.ok(ROUTING_HEADERS.has(String(h['name'])), `${name}: header ${String(h['name'])}`)
          assert.ok(
            routerModels(config).has(String(h['value'])),
            `${name}: model ${String(h['value'])} in router config`,
          )
        }
    }
    const spec = d['spec'] as Obj
    switch (d['kind']) {
      case 'EnvoyExtensionPolicy': {
        const ext = (spec['extProc'] as Obj[])[0]!
        const ref = (ext['backendRefs'] as Obj[])[0]!
        assert.equal(ref['port'], DEFAULTS.server.extproc_port, `${name}: router port`)
        assert.ok(
          names('Service').has(String(ref['name'])),
          `${name}: Service ${String(ref['name'])}`,
        )
        assert.equal((ext['processingMode'] as Obj)['allowModeOverride'], true)
        assert.equal(((ext['processingMode'] as Obj)['request'] as Obj)['body'], 'Buffered')
        assert.ok(seconds(ext['messageTimeout']) * 1000 > DEFAULTS.server.processing_timeout_ms)
        break
      }
      case 'EnvoyPatchPolicy': {
        const patches = spec['jsonPatches'] as Obj[]
        const clustersAdded = new Set(
          patches
            .filter((p) => String(p['type']).endsWith('.Cluster'))
            .map((p) => String(p['name'])),
        )
        const filters = extProcFilters(patches)
        assert.equal(filters.length, 1, `${name}: one ext_proc filter patched in`)
        const cluster = String(
          ((filters[0]!['grpc_service'] as Obj)['envoy_grpc'] as Obj)['cluster_name'],
        )
        assert.ok(clustersAdded.has(cluster), `${name}: patched cluster ${cluster} is added too`)
        assert.match(
          JSON.stringify(patches),
          new RegExp(`"port_value":${DEFAULTS.server.extproc_port}`),
        )
        checkRouterFilter(name, filters[0]!)
        for (const o of walk(patches))
          if (typeof o['@type'] === 'string')
            assert.ok(KNOWN_TYPES.has(o['@type']), `${name}: ${o['@type']}`)
        break
      }
      case 'AIGatewayRoute':
        for (const rule of spec['rules'] as Obj[])
          for (const ref of rule['backendRefs'] as Obj[])
            assert.ok(
              names('AIServiceBackend').has(String(ref['name'])),
              `${name}: AIServiceBackend ${String(ref['name'])}`,
            )
        break
      case 'AIServiceBackend':
        assert.ok(
          names('Backend').has(String((spec['backendRef'] as Obj)['name'])),
          `${name}: Backend`,
        )
        break
      case 'HTTPRoute':
        for (const rule of spec['rules'] as Obj[])
          for (const ref of rule['backendRefs'] as Obj[])
            assert.ok(
              names((ref['kind'] as string | undefined) ?? 'Service').has(String(ref['name'])),
              `${name}: ${String(ref['kind'])} ${String(ref['name'])}`,
            )
        break
      default:
        break
    }
  }
}

describe('deploy/envoy configurations', () => {
  const paths = files(ROOT)
  const parsed = new Map(paths.map((p) => [relative(ROOT, p), docs(p)]))

  it('ships every documented setup', () => {
    for (const name of Object.keys(ROUTER_CONFIG_FOR)) assert.ok(parsed.has(name), name)
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    for (const name of parsed.keys()) assert.ok(readme.includes(name), `README documents ${name}`)
  })

  it('router configs load and route to models Envoy knows', () => {
    for (const name of new Set(Object.values(ROUTER_CONFIG_FOR)))
      if (name !== '') assert.doesNotThrow(() => routerConfig(name), name)
  })

  it('rejects broken variants (the checks can fail)', () => {
    const broken = (edit: (root: Obj) => void) => {
      const root = docs(join(ROOT, 'basic.yaml'))[0]!
      edit(root)
      return () => checkBootstrap('basic.yaml', root, DEFAULTS)
    }
    const hcm = (root: Obj) => [...walk(root)].find((o) => isObj(o['route_config']))!
    const firstRoute = (root: Obj) =>
      (((hcm(root)['route_config'] as Obj)['virtual_hosts'] as Obj[])[0]!['routes'] as Obj[])[0]!
    const originalDst = (root: Obj) =>
      [...walk(root)].find((o) => isObj(o['original_dst_lb_config']))![
        'original_dst_lb_config'
      ] as Obj
    assert.throws(
      broken((r) => (firstRoute(r)['route'] = { cluster: 'missing' })),
      /missing/,
    )
    assert.throws(
      broken((r) => (originalDst(r)['http_header_name'] = 'x-other')),
      /ORIGINAL_DST/,
    )
    assert.throws(
      broken((r) => (extProcFilters(r)[0]!['message_timeout'] = '1s')),
      /message_timeout/,
    )
    assert.throws(
      broken((r) => ((extProcFilters(r)[0]!['processing_mode'] as Obj)['request_body_mode'] = 'X')),
      /request_body_mode/,
    )
    assert.throws(
      broken((r) => (hcm(r)['http_filters'] as Obj[]).reverse()),
      /router filter last/,
    )
  })

  for (const [name, documents] of parsed) {
    if (name.startsWith('router.')) continue
    it(`${name} is structurally valid`, () => {
      const config = routerConfig(ROUTER_CONFIG_FOR[name] ?? 'router.endpoint-picker.yaml')
      if (documents.length === 1 && isObj(documents[0]!['static_resources']))
        checkBootstrap(name, documents[0]!, config)
      else checkKubernetes(name, documents, parsed, config)
    })
  }
})
