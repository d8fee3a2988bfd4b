/**
 * Upstream's Milvus backend file (`config/semantic-cache/milvus.yaml`, struct in upstream
 * `pkg/cache/milvus_cache.go`), parsed with a schema of its own so a user's file is checked and its
 * mistakes reported even though this build has no Milvus client. Unknown keys are accepted (upstream
 * parses with yaml.v2, non-strict).
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { RouterError } from '../../errors.js'

const seconds = z.number().nonnegative()

export const milvusConfigSchema = z.looseObject({
  connection: z
    .looseObject({
      host: z.string().default('localhost'),
      port: z.number().int().min(1).max(65535).default(19530),
      database: z.string().default('default'),
      timeout: seconds.default(30),
      auth: z
        .looseObject({
          enabled: z.boolean().default(false),
          username: z.string().default(''),
          password: z.string().default(''),
        })
        .prefault({}),
      tls: z
        .looseObject({
          enabled: z.boolean().default(false),
          cert_file: z.string().default(''),
          key_file: z.string().default(''),
          ca_file: z.string().default(''),
        })
        .prefault({}),
    })
    .prefault({}),
  collection: z
    .looseObject({
      name: z.string().default('semantic_cache'),
      description: z.string().default(''),
      vector_field: z
        .looseObject({
          name: z.string().default('embedding'),
          dimension: z.number().int().positive().optional(),
          metric_type: z.enum(['IP', 'L2', 'COSINE']).default('IP'),
        })
        .prefault({}),
      index: z
        .looseObject({
          type: z.string().default('HNSW'),
          params: z
            .looseObject({
              M: z.number().int().positive().default(16),
              efConstruction: z.number().int().positive().default(64),
            })
            .prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  search: z
    .looseObject({
      params: z.looseObject({ ef: z.number().int().positive().default(64) }).prefault({}),
      topk: z.number().int().positive().default(10),
      consistency_level: z.enum(['Strong', 'Session', 'Bounded', 'Eventually']).default('Session'),
    })
    .prefault({}),
  performance: z
    .looseObject({
      connection_pool: z
        .looseObject({
          max_connections: z.number().int().positive().default(10),
          max_idle_connections: z.number().int().nonnegative().default(5),
          acquire_timeout: seconds.default(5),
        })
        .prefault({}),
      batch: z
        .looseObject({
          insert_batch_size: z.number().int().positive().default(1000),
          timeout: seconds.default(30),
        })
        .prefault({}),
    })
    .prefault({}),
  data_management: z
    .looseObject({
      ttl: z
        .looseObject({
          enabled: z.boolean().default(false),
          timestamp_field: z.string().default('timestamp'),
          cleanup_interval: seconds.default(3600),
        })
        .prefault({}),
      compaction: z
        .looseObject({ enabled: z.boolean().default(false), interval: seconds.default(86400) })
        .prefault({}),
    })
    .prefault({}),
  logging: z
    .looseObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      enable_query_log: z.boolean().default(false),
      enable_metrics: z.boolean().default(true),
    })
    .prefault({}),
  development: z
    .looseObject({
      drop_collection_on_startup: z.boolean().default(false),
      auto_create_collection: z.boolean().default(true),
      verbose_errors: z.boolean().default(false),
    })
    .prefault({}),
})

export type MilvusConfig = z.infer<typeof milvusConfigSchema>

/** Parse a milvus.yaml text; throws config_invalid listing every problem with its path. */
export function parseMilvusConfig(text: string, source = '<milvus>'): MilvusConfig {
  let raw: unknown
  try {
    raw = parseYaml(text) ?? {}
  } catch (err) {
    throw new RouterError('config_invalid', `${source}: YAML syntax: ${(err as Error).message}`)
  }
  const result = milvusConfigSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new RouterError(
    'config_invalid',
    `${source}: ${problems.length} problem(s) in the milvus backend config\n${problems.join('\n')}`,
    { details: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  )
}

export async function loadMilvusConfig(path: string, baseDir: string): Promise<MilvusConfig> {
  const full = isAbsolute(path) ? path : resolve(baseDir, path)
  let text: string
  try {
    text = await readFile(full, 'utf8')
  } catch (err) {
    throw new RouterError(
      'config_unreadable',
      `semantic_cache.backend_config_path: cannot read ${full}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  return parseMilvusConfig(text, full)
}
