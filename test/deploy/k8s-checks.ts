/**
 * Cross-reference checks over one rendered overlay: selectors select something, ports and port
 * names line up, the ConfigMap holds a valid router config at the path the container reads, the
 * probes hit real endpoints on the right ports, and every container is locked down. Expected
 * values come from the router's own defaults (serverSchema) and its config loader, not from
 * copies of the numbers.
 */
import { basename, dirname } from 'node:path'
import { healthRoute } from '../../src/api/routes/health.js'
import { readyRoute } from '../../src/api/routes/ready.js'
import { parseConfigText } from '../../src/config/load.js'
import type { RouterConfig } from '../../src/config/schema/index.js'
import { serverSchema } from '../../src/config/schema/server.js'
import { HEALTH_SERVICES } from '../../src/extproc/health.js'
import { checkModelInit } from './k8s-model-checks.js'
import type { K8sObject } from './k8s-validate.js'

/** The router's HTTP health endpoints, as the API serves them (on the API port). */
export const HEALTH_PATHS = new Set([healthRoute.path, readyRoute.path])
export const ROUTER = 'semantic-router'
/** The job name the alerts and dashboards select on. */
export const METRICS_JOB = 'semantic-router'

type Labels = Record<string, string>
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- manifests are free-form YAML */
type Obj = K8sObject & Record<string, any>

function matches(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v)
}

function podTemplates(objects: readonly Obj[]): Obj[] {
  return objects.filter((o) => o.kind === 'Deployment')
}

function containersOf(deployment: Obj): any[] {
  const spec = deployment.spec.template.spec
  return [...(spec.initContainers ?? []), ...spec.containers]
}

export interface CheckContext {
  problems: string[]
  routerConfig?: RouterConfig
}

function checkSelectors(objects: readonly Obj[], out: string[]): void {
  const deployments = podTemplates(objects)
  const podLabels = deployments.map((d) => d.spec.template.metadata.labels as Labels)
  for (const d of deployments) {
    if (!matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels))
      out.push(`Deployment/${d.metadata.name}: selector does not match its pod labels`)
  }
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const targets = deployments.filter((d) =>
      matches(s.spec.selector, d.spec.template.metadata.labels),
    )
    if (targets.length === 0) {
      out.push(`Service/${s.metadata.name}: selector matches no pods`)
      continue
    }
    for (const port of s.spec.ports) {
      const found = targets.some((d) =>
        d.spec.template.spec.containers.some((c: any) =>
          (c.ports ?? []).some(
            (p: any) => p.name === port.targetPort || p.containerPort === port.targetPort,
          ),
        ),
      )
      if (!found)
        out.push(
          `Service/${s.metadata.name}: targetPort ${port.targetPort} is not a container port`,
        )
    }
  }
  for (const kind of ['PodDisruptionBudget', 'NetworkPolicy']) {
    for (const o of objects.filter((x) => x.kind === kind)) {
      const selector =
        kind === 'NetworkPolicy' ? o.spec.podSelector.matchLabels : o.spec.selector.matchLabels
      if (!podLabels.some((l) => matches(selector, l)))
        out.push(`${kind}/${o.metadata.name}: selects no pods`)
    }
  }
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = h.spec.scaleTargetRef
    if (!objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name))
      out.push(
        `HorizontalPodAutoscaler/${h.metadata.name}: target ${ref.kind}/${ref.name} does not exist`,
      )
  }
  for (const m of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const services = objects.filter(
      (o) => o.kind === 'Service' && matches(m.spec.selector.matchLabels, o.metadata.labels),
    )
    if (services.length === 0) out.push(`ServiceMonitor/${m.metadata.name}: selects no Service`)
    for (const s of services) {
      for (const e of m.spec.endpoints)
        if (!s.spec.ports.some((p: any) => p.name === e.port))
          out.push(
            `ServiceMonitor/${m.metadata.name}: Service/${s.metadata.name} has no port named ${e.port}`,
          )
      if (s.metadata.labels?.[m.spec.jobLabel] !== METRICS_JOB)
        out.push(`ServiceMonitor/${m.metadata.name}: job label would not be "${METRICS_JOB}"`)
    }
  }
}

function checkLockedDown(objects: readonly Obj[], out: string[]): void {
  for (const d of podTemplates(objects)) {
    const pod = d.spec.template.spec
    const where = `Deployment/${d.metadata.name}`
    if (pod.securityContext?.runAsNonRoot !== true)
      out.push(`${where}: pod does not set runAsNonRoot`)
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault')
      out.push(`${where}: no RuntimeDefault seccomp profile`)
    if (pod.automountServiceAccountToken !== false)
      out.push(`${where}: mounts a service account token`)
    for (const c of containersOf(d)) {
      const sc = c.securityContext ?? {}
      if (sc.readOnlyRootFilesystem !== true)
        out.push(`${where} ${c.name}: root filesystem is writable`)
      if (sc.allowPrivilegeEscalation !== false)
        out.push(`${where} ${c.name}: privilege escalation allowed`)
      if (!(sc.capabilities?.drop ?? []).includes('ALL'))
        out.push(`${where} ${c.name}: capabilities not dropped`)
      for (const kind of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          if (c.resources?.[kind]?.[resource] === undefined)
            out.push(`${where} ${c.name}: no ${resource} ${kind}`)
    }
  }
}

function routerConfigFrom(
  objects: readonly Obj[],
  router: Obj,
  out: string[],
): RouterConfig | undefined {
  const container = router.spec.template.spec.containers.find((c: any) => c.name === 'router')
  const args: string[] = container?.args ?? []
  const configPath = args[args.indexOf('--config') + 1]
  if (!args.includes('--config') || configPath === undefined) {
    out.push('router: no --config argument')
    return undefined
  }
  const mount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === dirname(configPath))
  if (!mount) {
    out.push(`router: nothing is mounted at ${dirname(configPath)}`)
    return undefined
  }
  if (mount.subPath !== undefined)
    out.push('router: config mounted with subPath (ConfigMap updates would never arrive)')
  const volume = router.spec.template.spec.volumes.find((v: any) => v.name === mount.name)
  const configMap = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name,
  )
  const text = configMap?.['data']?.[basename(configPath)]
  if (typeof text !== 'string') {
    out.push(`router: ConfigMap ${volume?.configMap?.name} has no key ${basename(configPath)}`)
    return undefined
  }
  try {
    const loaded = parseConfigText(text, { source: `ConfigMap/${configMap!.metadata.name}` })
    for (const w of loaded.warnings) out.push(`router config warning: ${w.path}: ${w.message}`)
    return loaded.config
  } catch (err) {
    out.push(
      `router config is invalid: ${(err as Error).message} ${JSON.stringify((err as any).details ?? '')}`,
    )
    return undefined
  }
}

function checkRouter(
  objects: readonly Obj[],
  config: RouterConfig,
  router: Obj,
  out: string[],
): void {
  const defaults = serverSchema.parse({})
  const pod = router.spec.template.spec
  const container = pod.containers.find((c: any) => c.name === 'router')
  const ports = new Map<string, number>(
    (container.ports ?? []).map((p: any) => [p.name, p.containerPort]),
  )
  if (config.server.host !== '0.0.0.0')
    out.push(`router config: server.host is ${config.server.host}, not 0.0.0.0`)
  const expected: [string, number, number][] = [
    ['gateway', config.server.gateway_port, defaults.gateway_port],
    ['extproc', config.server.extproc_port, defaults.extproc_port],
    ['api', config.server.api_port, defaults.api_port],
    ['metrics', config.server.metrics_port, defaults.metrics_port],
  ]
  for (const [name, configured, byDefault] of expected) {
    if (ports.get(name) !== configured)
      out.push(`router: container port ${name} is ${ports.get(name)}, config says ${configured}`)
    if (configured !== byDefault)
      out.push(`router config: ${name} port ${configured} differs from the default ${byDefault}`)
    const servicePort = objects
      .filter(
        (o) =>
          o.kind === 'Service' && matches(o.spec.selector, router.spec.template.metadata.labels),
      )
      .flatMap((s) => s.spec.ports)
      .find((p: any) => p.targetPort === name)
    if (servicePort?.port !== byDefault)
      out.push(`Service port for ${name} is ${servicePort?.port}, expected ${byDefault}`)
  }
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const p = container[probe]
    if (!p) {
      out.push(`router: no ${probe}`)
    } else if (p.httpGet) {
      if (!HEALTH_PATHS.has(p.httpGet.path))
        out.push(`router: ${probe} path ${p.httpGet.path} is not a health endpoint`)
      if (p.httpGet.port !== 'api' && p.httpGet.port !== config.server.api_port)
        out.push(`router: ${probe} is not on the API port`)
    } else if (p.grpc) {
      if (p.grpc.port !== config.server.extproc_port)
        out.push(`router: ${probe} gRPC port ${p.grpc.port} is not the ext_proc port`)
      if (!(HEALTH_SERVICES as readonly string[]).includes(p.grpc.service ?? ''))
        out.push(
          `router: ${probe} asks the gRPC health service for unknown service ${p.grpc.service}`,
        )
    } else {
      out.push(`router: ${probe} uses neither the health endpoints nor the gRPC health service`)
    }
  }
  const annotations = router.spec.template.metadata.annotations ?? {}
  if (annotations['prometheus.io/port'] !== String(config.server.metrics_port))
    out.push('router: prometheus.io/port is not the metrics port')
  const preStop = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0)
  if (
    (pod.terminationGracePeriodSeconds ?? 30) * 1000 <=
    config.server.shutdown_grace_ms + preStop * 1000
  )
    out.push('router: terminationGracePeriodSeconds leaves no time for the graceful shutdown')
  checkEndpoints(objects, config, container, out)
  checkModelInit(objects, config, router, out)
}

/** Endpoints in the config must be reachable: a Service in the render for short names, egress allowed. */
function checkEndpoints(
  objects: readonly Obj[],
  config: RouterConfig,
  container: any,
  out: string[],
): void {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy')
  const egressPorts = policies.flatMap((p) =>
    (p.spec.egress ?? []).flatMap((e: any) => (e.ports ?? []).map((x: any) => x.port)),
  )
  for (const ep of config.vllm_endpoints) {
    if (!ep.address.includes('.')) {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === ep.address)
      if (!service) out.push(`endpoint ${ep.name}: no Service named ${ep.address} in this overlay`)
      else if (!service.spec.ports.some((p: any) => p.port === ep.port))
        out.push(`endpoint ${ep.name}: Service ${ep.address} has no port ${ep.port}`)
    }
    if (policies.length > 0 && !egressPorts.includes(ep.port))
      out.push(`endpoint ${ep.name}: NetworkPolicy egress blocks port ${ep.port}`)
  }
  const pg = (config.semantic_cache.backend as any)?.postgres
  if (config.semantic_cache.backend_type === 'postgres' && pg?.connection_string_env) {
    const env = (container.env ?? []).find((e: any) => e.name === pg.connection_string_env)
    if (!env) out.push(`cache: ${pg.connection_string_env} is not set on the router container`)
  }
}

/** Every problem in one rendered overlay. */
export function checkManifests(objects: readonly K8sObject[]): CheckContext {
  const all = objects as Obj[]
  const problems: string[] = []
  checkSelectors(all, problems)
  checkLockedDown(all, problems)
  const router = all.find((o) => o.kind === 'Deployment' && o.metadata.name === ROUTER)
  if (!router) return { problems: [...problems, `no Deployment named ${ROUTER}`] }
  const routerConfig = routerConfigFrom(all, router, problems)
  if (routerConfig) checkRouter(all, routerConfig, router, problems)
  return { problems, ...(routerConfig ? { routerConfig } : {}) }
}

/**
 * Secrets the manifests reference but do not create (the operator creates them), each marked
 * `(optional)` when the pod starts without it.
 */
export function externalSecrets(objects: readonly K8sObject[]): string[] {
  const names = new Map<string, boolean>()
  for (const d of (objects as Obj[]).filter((o) => o.kind === 'Deployment'))
    for (const c of containersOf(d))
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef
        if (ref) names.set(ref.name, (names.get(ref.name) ?? true) && ref.optional === true)
      }
  const created = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name))
  return [...names]
    .filter(([n]) => !created.has(n))
    .map(([n, optional]) => (optional ? `${n} (optional)` : n))
    .sort()
}
