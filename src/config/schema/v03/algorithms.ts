/**
 * `decisions[].algorithm`: `{type, <type>: {...}, on_error}`. Each block schema below follows
 * upstream's fields, so a v0.3 file is validated whether or not this router implements the
 * algorithm. A ModelSelector plug-in for a type should use the block schema from here as its
 * options schema (one definition of the YAML shape).
 *
 * Rules (upstream's validator): the type is lower-case; at most one block, and it must be the
 * block of the type; `static`, `knn`, `kmeans`, `svm`, `mlp` take none, the others need theirs.
 */
import { z } from 'zod'
import { unitInterval } from '../common.js'

const positiveInt = z.number().int().positive()
const nonNegative = z.number().min(0)
const percentile = z.number().int().min(1).max(100)

export const routerDcBlockSchema = z.strictObject({
  temperature: z.number().positive().default(0.07),
  dimension_size: positiveInt.default(768),
  min_similarity: unitInterval.default(0.3),
  use_query_contrastive: z.boolean().default(false),
  use_model_contrastive: z.boolean().default(false),
  require_descriptions: z.boolean().default(false),
  use_capabilities: z.boolean().default(false),
})

export const latencyAwareBlockSchema = z
  .strictObject({
    tpot_percentile: percentile.optional(),
    ttft_percentile: percentile.optional(),
    description: z.string().optional(),
  })
  .refine((b) => b.tpot_percentile !== undefined || b.ttft_percentile !== undefined, {
    message: 'needs tpot_percentile or ttft_percentile',
  })

/**
 * Ours: how far a request's own trade-off (`x-vsr-preference` header, body `vsr_preference`) may
 * move this decision's choice. Every scoring selector (multi_factor, elo, bandit) takes it.
 */
export const requestPreferenceSchema = z
  .strictObject({
    /** false: the header and body knob are ignored for this decision. */
    enabled: z.boolean().default(true),
    /** The cost weight a request may ask for is clamped to [min, max]. */
    min_cost_weight: unitInterval.default(0),
    max_cost_weight: unitInterval.default(1),
    /** A request's max_cost below this is raised to it (0: any). */
    min_max_cost: nonNegative.default(0),
  })
  .refine((p) => p.min_cost_weight <= p.max_cost_weight, {
    message: 'min_cost_weight must be ≤ max_cost_weight',
  })
  .prefault({})

export const multiFactorBlockSchema = z.strictObject({
  weights: z
    .strictObject({
      quality: nonNegative.default(0.25),
      latency: nonNegative.default(0.25),
      cost: nonNegative.default(0.25),
      load: nonNegative.default(0.25),
    })
    .prefault({}),
  /** Hard limits; 0 = no limit. */
  slo: z
    .strictObject({
      max_tpot_ms: nonNegative.default(0),
      max_ttft_ms: nonNegative.default(0),
      max_cost_per_1m: nonNegative.default(0),
      max_inflight: nonNegative.default(0),
      /** Ours: largest estimated cost of one request (pricing currency). */
      max_cost_per_request: nonNegative.default(0),
    })
    .prefault({}),
  latency_percentile: percentile.default(95),
  on_no_candidates: z.enum(['cheapest', 'first', 'fail']).default('cheapest'),
  /** Ours: a model's measured latency counts once it has this many finished requests. */
  min_samples: z.number().int().min(1).default(3),
  /** Ours: quality = the learned success rate once a model has this much feedback (0: never). */
  learned_quality_after: z.number().int().min(0).default(5),
  request_preference: requestPreferenceSchema,
})

export const hybridBlockSchema = z.strictObject({
  experience_weight: nonNegative.default(0.3),
  router_dc_weight: nonNegative.default(0.3),
  automix_weight: nonNegative.default(0.2),
  cost_weight: nonNegative.default(0.2),
  quality_gap_threshold: nonNegative.optional(),
  normalize_scores: z.boolean().default(true),
})

export const automixBlockSchema = z.strictObject({
  verification_threshold: unitInterval.default(0.7),
  max_escalations: z.number().int().min(0).default(2),
  cost_aware_routing: z.boolean().default(false),
  cost_quality_tradeoff: unitInterval.default(0.5),
  discount_factor: unitInterval.default(0.9),
  use_logprob_verification: z.boolean().default(false),
})

export const promptBlockSchema = z.strictObject({
  model: z.string().min(1),
  instructions: z.string().optional(),
  timeout_seconds: z.number().positive().optional(),
})

export const confidenceBlockSchema = z.strictObject({
  confidence_method: z
    .enum(['avg_logprob', 'margin', 'hybrid', 'self_verify', 'automix_entailment'])
    .optional(),
  threshold: unitInterval.optional(),
  hybrid_weights: z
    .strictObject({ logprob_weight: nonNegative.optional(), margin_weight: nonNegative.optional() })
    .optional(),
  on_error: z.enum(['skip', 'fail']).optional(),
  escalation_order: z.enum(['size', 'small_to_large', 'declared', 'cost', 'automix']).optional(),
  cost_quality_tradeoff: unitInterval.optional(),
  token_filter: z.enum(['all', 'tool_call_args']).optional(),
  verifier_server_url: z.string().optional(),
  verifier_timeout_seconds: nonNegative.optional(),
})

export const ratingsBlockSchema = z.strictObject({
  max_concurrent: positiveInt.optional(),
  on_error: z.string().optional(),
})

/** Looper algorithms with long field lists: every key is typed loosely but must be known. */
const looperCommon = {
  max_concurrent: positiveInt.optional(),
  max_completion_tokens: positiveInt.optional(),
  round_timeout_seconds: z.number().positive().optional(),
  min_successful_responses: z.number().int().min(0).optional(),
  temperature: nonNegative.optional(),
  include_intermediate_responses: z.boolean().optional(),
  on_error: z.string().optional(),
}

export const remomBlockSchema = z.strictObject({
  ...looperCommon,
  breadth_schedule: z.array(positiveInt).min(1),
  model_distribution: z.string().optional(),
  include_reasoning: z.boolean().optional(),
  compaction_strategy: z.string().optional(),
  compaction_tokens: positiveInt.optional(),
  synthesis_template: z.string().optional(),
  synthesis_model: z.string().optional(),
  shuffle_seed: z.number().int().optional(),
  max_responses_per_round: positiveInt.optional(),
})

export const fusionBlockSchema = z.strictObject({
  ...looperCommon,
  model: z.string().optional(),
  analysis_models: z.array(z.string()).optional(),
  analysis_overrides: z
    .array(
      z.strictObject({
        model: z.string(),
        temperature: nonNegative.optional(),
        max_completion_tokens: positiveInt.optional(),
      }),
    )
    .optional(),
  include_analysis: z.boolean().optional(),
  analysis_template: z.string().optional(),
  synthesis_template: z.string().optional(),
  judge_prompt_version: z.string().optional(),
  grounding: z.record(z.string(), z.unknown()).optional(),
})

export const workflowsBlockSchema = z.strictObject({
  ...looperCommon,
  mode: z.enum(['static', 'dynamic']).optional(),
  template: z.string().optional(),
  roles: z.array(z.record(z.string(), z.unknown())).optional(),
  final: z.record(z.string(), z.unknown()).optional(),
  planner: z.record(z.string(), z.unknown()).optional(),
  max_steps: positiveInt.optional(),
  max_parallel: positiveInt.optional(),
})

/** Decay γ per update of a model's learned state: (0, 1], 1 = none. */
const decay = z.number().gt(0).max(1)

/**
 * Ours (issue 15, item 4): learning selectors upstream's HEAD rejects (it moved learning to
 * `global.router.learning`). Documented in docs/decisions.md.
 */
export const eloBlockSchema = z.strictObject({
  initial_rating: z.number().default(1500),
  k_factor: z.number().positive().max(400).default(24),
  decay: decay.default(0.998),
  /** Share of requests sent to a random other candidate (bounded exploration). */
  exploration: z.number().min(0).max(0.5).default(0.1),
  /** Seed for the exploration draws (tests, benchmarks); unset: Math.random. */
  seed: z.number().int().optional(),
  request_preference: requestPreferenceSchema,
})

export const banditBlockSchema = z.strictObject({
  prior_alpha: z.number().positive().default(1),
  prior_beta: z.number().positive().default(1),
  decay: decay.default(0.99),
  /** At most this share of requests goes to a model other than the current best (posterior mean). */
  max_exploration: z.number().min(0).max(1).default(0.2),
  seed: z.number().int().optional(),
  request_preference: requestPreferenceSchema,
})

/**
 * Ours: a deterministic, sticky traffic split among a decision's models (A/B tests, canaries).
 * A request's arm is a pure function of the split name and its sticky key, so every replica
 * agrees without shared state.
 */
export const splitBlockSchema = z.strictObject({
  /** Names the split in metrics and logs (default: the decision's name). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .optional(),
  /**
   * What keeps a caller on one arm: `user` (the body's `user`, else the caller), `caller` (the
   * authenticated key, else a hash of the Authorization header), `request` (no stickiness).
   */
  sticky_by: z.enum(['user', 'caller', 'request']).default('user'),
  arms: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
        model: z.string().min(1),
        weight: z.number().min(0),
      }),
    )
    .min(1)
    .max(16)
    .refine((arms) => new Set(arms.map((a) => a.name)).size === arms.length, {
      message: 'arm names must be unique',
    })
    .refine((arms) => arms.some((a) => a.weight > 0), { message: 'some arm needs a weight > 0' }),
})

/** type → block schema; null: the type takes no block. */
export const ALGORITHM_BLOCKS: Readonly<Record<string, z.ZodType | null>> = {
  static: null,
  knn: null,
  kmeans: null,
  svm: null,
  mlp: null,
  router_dc: routerDcBlockSchema,
  latency_aware: latencyAwareBlockSchema,
  multi_factor: multiFactorBlockSchema,
  hybrid: hybridBlockSchema,
  automix: automixBlockSchema,
  prompt: promptBlockSchema,
  confidence: confidenceBlockSchema,
  ratings: ratingsBlockSchema,
  remom: remomBlockSchema,
  fusion: fusionBlockSchema,
  workflows: workflowsBlockSchema,
  elo: eloBlockSchema,
  bandit: banditBlockSchema,
  split: splitBlockSchema,
}

/** Algorithms that make several upstream calls through upstream's "looper" (not built here). */
export const LOOPER_ALGORITHMS: ReadonlySet<string> = new Set([
  'confidence',
  'ratings',
  'remom',
  'fusion',
  'workflows',
])

/**
 * The algorithm as written — `type`, `on_error` and at most one block, which must be the block of
 * the type — normalised to `{type, on_error, options}` where `options` is the parsed block (`{}`
 * for types without one). Types this file does not know pass through with their block unparsed;
 * the decision checks look them up in the model selector registry.
 */
export const algorithmSchema = z
  .looseObject({
    type: z
      .string()
      .regex(/^[a-z_]+$/, 'a lower-case algorithm type such as static or multi_factor'),
    on_error: z.string().optional(),
  })
  .transform((raw, ctx) => {
    const { type, on_error, ...blocks } = raw
    const names = Object.keys(blocks)
    for (const other of names.filter((n) => n !== type))
      ctx.addIssue({
        code: 'custom',
        path: [other],
        message: `block "${other}" does not match algorithm type "${type}"`,
      })
    const known = Object.hasOwn(ALGORITHM_BLOCKS, type)
    const schema = known ? ALGORITHM_BLOCKS[type] : undefined
    let options: unknown = blocks[type] ?? {}
    if (known && schema === null && blocks[type] !== undefined)
      ctx.addIssue({ code: 'custom', path: [type], message: `algorithm "${type}" takes no block` })
    if (schema) {
      if (blocks[type] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [type],
          message: `algorithm "${type}" needs its "${type}" block`,
        })
        return z.NEVER
      }
      const parsed = schema.safeParse(blocks[type])
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: [type, ...issue.path] })
        return z.NEVER
      }
      options = parsed.data
    }
    return {
      type,
      ...(on_error === undefined ? {} : { on_error }),
      options: options as Record<string, unknown>,
    }
  })

export type AlgorithmConfig = z.output<typeof algorithmSchema>
