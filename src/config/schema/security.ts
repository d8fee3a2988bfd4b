/**
 * This project's safety settings: who may call the router (API keys per listener), how much
 * (rate limits, token limits, spend budgets per key or tenant), what a cached answer may be shared
 * with (cache partitions), where shared counters live (`state_store`), and how much of a prompt the
 * classifiers read (`security.input_window`). Everything defaults to off or to the safe choice that
 * needs no set-up; docs/security.md explains each and what to turn on in production.
 */
import { z } from 'zod'

export const stateStoreSchema = z.strictObject({
  /** `memory` (one process) or `redis` (replicas share counters, scores, splits). */
  backend: z.enum(['memory', 'redis']).default('memory'),
  redis: z
    .strictObject({
      /** `redis://[user:password@]host:port[/db]`; the password is redacted everywhere. */
      url: z.string().default('redis://127.0.0.1:6379'),
      key_prefix: z.string().default('vsr:'),
      connect_timeout_ms: z.number().int().positive().default(2_000),
      command_timeout_ms: z.number().int().positive().default(1_000),
    })
    .prefault({}),
})

const rateLimitValues = {
  /** Requests per minute (0 = no limit). */
  requests_per_minute: z.number().int().min(0).default(0),
  /** Prompt + completion tokens per minute, counted from upstream usage (0 = no limit). */
  tokens_per_minute: z.number().int().min(0).default(0),
  /** Spend per `budget_period` from model_config pricing (0 = no budget). */
  budget: z.number().min(0).default(0),
}

const rateLimitOverride = z.strictObject({
  requests_per_minute: z.number().int().min(0).optional(),
  tokens_per_minute: z.number().int().min(0).optional(),
  budget: z.number().min(0).optional(),
})

export const securitySchema = z.strictObject({
  auth: z
    .strictObject({
      /** Require an API key (off by default; the manifests turn it on). */
      enabled: z.boolean().default(false),
      /**
       * YAML/JSON file of keys (a mounted Kubernetes Secret works): `keys: [{id, sha256, tenant,
       * models, admin}]`, re-read when it changes. Only SHA-256 digests are stored.
       */
      keys_file: z.string().default(''),
      /** Which listeners require a key when auth is enabled. */
      listeners: z
        .strictObject({
          gateway: z.boolean().default(true),
          extproc: z.boolean().default(true),
          api: z.boolean().default(true),
        })
        .prefault({}),
      /**
       * Paths ext_proc does not route (anything but chat completions and `/v1/models`; Envoy
       * forwards them): `check` (default) requires a key there too, `pass` lets them through
       * unchecked, for operators who authenticate those paths in Envoy (ext_authz).
       */
      extproc_other_paths: z.enum(['check', 'pass']).default('check'),
      /** File holding the bearer token `/metrics` requires ('' = open). */
      metrics_token_file: z.string().default(''),
      /** How often the keys and token files are checked for changes. */
      reload_interval_ms: z.number().int().positive().default(2_000),
    })
    .prefault({}),
  cache_partition: z
    .strictObject({
      /**
       * `caller` (default): the authenticated key, else a hash of `Authorization`, plus the
       * body's `user`; `tenant`: the key's tenant, else `tenant_header`, plus `user`; `shared`:
       * one partition for everyone (deliberately shared public answers).
       */
      by: z.enum(['caller', 'tenant', 'shared']).default('caller'),
      tenant_header: z.string().toLowerCase().default('x-tenant-id'),
    })
    .prefault({}),
  rate_limits: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Count per API key (`key`) or per tenant (`tenant`; keys without one count alone). */
      scope: z.enum(['key', 'tenant']).default('key'),
      ...rateLimitValues,
      budget_period: z.enum(['hour', 'day', 'month']).default('day'),
      /** Per-tenant or per-key id overrides of the three limits. */
      overrides: z.record(z.string(), rateLimitOverride).default({}),
      /** When the state store fails: let requests through (`allow`) or answer 503 (`deny`). */
      on_store_error: z.enum(['allow', 'deny']).default('allow'),
      /**
       * How replicas share counts through a Redis state store (the memory store is always exact).
       * `lease`: a replica reserves a few requests of a caller's minute at a time and admits from
       * them locally, and sends tokens and spend every `flush_interval_ms` — never more than the
       * limit admitted across replicas; at most replicas × `max_lease` refused early (only while the
       * caller is active there: unused leases go back after 2 × `lease_ms` and on close).
       * `exact`: one Redis round trip before each request and one after its answer.
       */
      sync: z
        .strictObject({
          mode: z.enum(['lease', 'exact']).default('lease'),
          /** Most requests one replica reserves at once for one caller. */
          max_lease: z.number().int().min(1).max(10_000).default(500),
          /** A lease covers about this long of the caller's recent traffic on this replica. */
          lease_ms: z.number().int().min(1).max(60_000).default(100),
          /** Tokens and spend reach Redis (and other replicas' come back) this often. */
          flush_interval_ms: z.number().int().min(5).max(10_000).default(100),
        })
        .prefault({}),
    })
    .prefault({}),
  input_window: z
    .strictObject({
      /**
       * Characters of the prompt the classifiers, guards' models and cache keys read: the last
       * `max_chars` of the classified text (the guards scan the whole text, in `scan_slices`).
       */
      max_chars: z.number().int().positive().default(16_384),
    })
    .prefault({}),
  scan_slices: z
    .strictObject({
      /**
       * The guards (jailbreak, PII) read a message longer than `min_chars` in slices of
       * `slice_chars`, sharing `overlap_chars` with the next, and let other requests run between
       * slices: no long prompt holds the event loop for more than one slice's scan.
       */
      min_chars: z.number().int().positive().default(16_384),
      slice_chars: z.number().int().positive().default(12_288),
      overlap_chars: z.number().int().min(0).default(2_048),
    })
    .prefault({})
    .refine((s) => s.overlap_chars * 2 < s.slice_chars, {
      message: 'overlap_chars must be less than half of slice_chars',
      path: ['overlap_chars'],
    }),
})

export type StateStoreConfig = z.infer<typeof stateStoreSchema>
export type SecurityConfig = z.infer<typeof securitySchema>
