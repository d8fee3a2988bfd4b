/**
 * Cross-reference checks for the model init container of one rendered overlay: it runs
 * `models pull --config <the router's config> --lock <a lock file in the ConfigMap>` from the
 * router's image, writes into the volume at the config's inference.model_cache_dir, which the
 * router mounts read-only at the same path, and pinned models can reach the hub.
 */
import { basename, dirname, posix } from 'node:path'
import type { RouterConfig } from '../../src/config/schema/index.js'
import type { K8sObject } from './k8s-validate.js'

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- manifests are free-form YAML */
type Obj = K8sObject & Record<string, any>

function optionOf(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}

/** A ConfigMap key reaching a container at `path` through a directory mount. */
function mountedConfigMapFile(objects: readonly Obj[], pod: any, container: any, path: string) {
  const mount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === dirname(path))
  const volume = pod.volumes.find((v: any) => v.name === mount?.name)
  const configMap = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name,
  )
  return configMap?.['data']?.[basename(path)] as string | undefined
}

/**
 * The model init container: `models pull --config <the router's config> --lock <a lock file in
 * the ConfigMap>`, writing into the volume at the config's inference.model_cache_dir, which the
 * router mounts read-only at the same path; pinned models need egress to the hub.
 */
export function checkModelInit(
  objects: readonly K8sObject[],
  config: RouterConfig,
  router: K8sObject,
  out: string[],
): void {
  const pod = (router as Obj).spec.template.spec
  const container = pod.containers.find((c: any) => c.name === 'router')
  const routerConfigPath = optionOf(container.args ?? [], '--config') ?? ''
  const init = (pod.initContainers ?? []).find(
    (c: any) => c.args?.[0] === 'models' && c.args?.[1] === 'pull',
  )
  if (!init) {
    out.push('router: no init container runs `models pull`')
    return
  }
  if (init.image !== container.image) out.push(`init ${init.name}: image differs from the router's`)
  if (optionOf(init.args, '--config') !== routerConfigPath)
    out.push(`init ${init.name}: --config is not the router's config ${routerConfigPath}`)
  const lockPath = optionOf(init.args, '--lock')
  const lockText = lockPath ? mountedConfigMapFile(objects, pod, init, lockPath) : undefined
  let pinned = 0
  if (lockText === undefined)
    out.push(`init ${init.name}: --lock ${lockPath} is not in a ConfigMap`)
  else {
    try {
      const lock = JSON.parse(lockText) as { version: unknown; models: Record<string, unknown> }
      if (lock.version !== 1 || typeof lock.models !== 'object') throw new Error('not version 1')
      pinned = Object.keys(lock.models).length
    } catch (err) {
      out.push(`init ${init.name}: ${lockPath} is not a lock file (${(err as Error).message})`)
    }
  }
  const cacheDir = posix.resolve(dirname(routerConfigPath), config.inference.model_cache_dir)
  const initMount = (init.volumeMounts ?? []).find((m: any) => m.mountPath === cacheDir)
  const routerMount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === cacheDir)
  if (!initMount || initMount.readOnly)
    out.push(`init ${init.name}: model_cache_dir ${cacheDir} is not a writable mount`)
  else if (routerMount?.name !== initMount.name)
    out.push(`router: does not mount the ${initMount.name} volume at model_cache_dir ${cacheDir}`)
  else if (routerMount.readOnly !== true) out.push(`router: ${cacheDir} is writable`)
  if (pinned > 0) checkHubEgress(objects, init, out)
}

/** Pinned models are downloaded from the hub (HF_ENDPOINT, default https on 443). */
function checkHubEgress(objects: readonly Obj[], init: any, out: string[]): void {
  const endpoint = (init.env ?? []).find((e: any) => e.name === 'HF_ENDPOINT')?.value as
    string | undefined
  const url = new URL(endpoint ?? 'https://huggingface.co')
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const ports = (policy.spec.egress ?? []).flatMap((e: any) =>
      (e.ports ?? []).map((p: any) => p.port),
    )
    if (!ports.includes(port))
      out.push(`NetworkPolicy/${policy.metadata.name}: egress blocks the model hub (port ${port})`)
  }
}
