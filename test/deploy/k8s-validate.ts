/**
 * Offline schema validation of rendered manifests with kubernetes-models (the Kubernetes OpenAPI
 * schemas compiled to validators) and @kubernetes-models/prometheus-operator for the CRDs. A kind
 * without a schema is an error, so nothing slips through unvalidated.
 */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  [key: string]: unknown
}

type ModelClass = new (data: unknown) => { validate(): void }

function modulePath(apiVersion: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}`
  return `kubernetes-models/${apiVersion}`
}

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let mod: Record<string, unknown>
  try {
    mod = (await import(modulePath(apiVersion))) as Record<string, unknown>
  } catch {
    return undefined
  }
  const model = mod[kind]
  return typeof model === 'function' ? (model as ModelClass) : undefined
}

/** Problems found, as `Kind/name: message`; empty when every object is valid. */
export async function validateObjects(objects: readonly K8sObject[]): Promise<string[]> {
  const problems: string[] = []
  for (const object of objects) {
    const where = `${object.kind}/${object.metadata?.name ?? '?'}`
    const Model = await modelFor(object.apiVersion, object.kind)
    if (!Model) {
      problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`)
      continue
    }
    try {
      new Model(object).validate()
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`)
    }
  }
  return problems
}
