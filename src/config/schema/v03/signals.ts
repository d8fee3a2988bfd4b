/**
 * `routing.signals`: named facts about a request, grouped by family. The YAML family key and the
 * rule-leaf `type` differ for most families (SIGNAL_FAMILIES maps them). Families this router
 * evaluates have strict schemas; the others are accepted with their `name` (so leaves can refer to
 * them) and reported by the loader as not supported.
 */
import { z } from 'zod'
import { unitInterval } from '../common.js'
import { numericPredicateSchema, ruleNodeSchema } from './rules.js'

const name = z.string().min(1)
const description = z.string().optional()

/** `32K`, `1.5M`, or a plain number of tokens. */
export const tokenCount = z.union([
  z.number().min(0),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*[kKmM]?\s*$/, 'a number of tokens such as 4096, "32K" or "1.5M"'),
])

export const keywordSignalSchema = z.strictObject({
  name,
  description,
  operator: z.enum(['AND', 'OR', 'NOR']),
  keywords: z.array(z.string().min(1)).min(1),
  case_sensitive: z.boolean().default(false),
  /** "" (literal), regex, and upstream's fuzzy retrieval methods. */
  method: z.enum(['', 'literal', 'regex', 'bm25', 'ngram', 'fuzzy']).default(''),
  fuzzy_match: z.boolean().default(false),
  fuzzy_threshold: z.number().min(0).default(2),
  bm25_threshold: z.number().min(0).default(0.1),
  ngram_threshold: unitInterval.default(0.4),
  ngram_arity: z.number().int().min(1).max(8).default(3),
})

export const embeddingSignalSchema = z.strictObject({
  name,
  description,
  threshold: unitInterval,
  candidates: z.array(z.string().min(1)).min(1),
  aggregation_method: z.enum(['mean', 'max', 'any']).default('max'),
  query_modality: z.enum(['text', 'image', 'audio']).default('text'),
})

export const domainModelScoreSchema = z.strictObject({
  model: name,
  score: z.number().min(0),
  use_reasoning: z.boolean().optional(),
  reasoning_effort: z.string().optional(),
  lora_name: z.string().optional(),
})

export const domainSignalSchema = z.strictObject({
  name,
  description,
  mmlu_categories: z.array(z.string().min(1)).default([]),
  /** A leftover of the classic schema: the static selector ranks by it when decision == domain. */
  model_scores: z.array(domainModelScoreSchema).default([]),
})

export const languageSignalSchema = z.strictObject({
  /** Lower-case ISO 639-1 code (en, zh, es, ...). */
  name: z.string().regex(/^[a-z]{2,3}$/, 'a lower-case ISO 639-1 language code such as en or zh'),
  description,
  /** Minimum detection confidence; 0 means the default 0.3. */
  threshold: unitInterval.default(0),
})

export const contextSignalSchema = z.strictObject({
  name,
  description,
  min_tokens: tokenCount.optional(),
  max_tokens: tokenCount.optional(),
})

const candidateSet = z.strictObject({
  candidates: z.array(z.string().min(1)).default([]),
  image_candidates: z.array(z.string().min(1)).default([]),
})

export const complexitySignalSchema = z.strictObject({
  name,
  description,
  /** Margin between hard and easy similarity that makes a prompt hard (or, negated, easy). */
  threshold: z.number().min(0).max(1).default(0.1),
  hard: candidateSet.optional(),
  easy: candidateSet.optional(),
  /** A rule tree over other signals that must also hold for the level to be reported. */
  composer: ruleNodeSchema.optional(),
})

export const roleBindingSchema = z.strictObject({
  name,
  description,
  /** The signal name decision leaves use (bindings with the same role are merged). */
  role: name,
  subjects: z.array(z.strictObject({ kind: z.enum(['User', 'Group']), name })).min(1),
})

export const jailbreakSignalSchema = z.strictObject({
  name,
  description,
  threshold: unitInterval.default(0.7),
  method: z.string().optional(),
  include_history: z.boolean().default(false),
  jailbreak_patterns: z.array(z.string()).default([]),
  benign_patterns: z.array(z.string()).default([]),
})

export const piiSignalSchema = z.strictObject({
  name,
  description,
  threshold: unitInterval.default(0.5),
  /** Types that do not count; empty: any PII matches. */
  pii_types_allowed: z.array(z.string()).default([]),
  include_history: z.boolean().default(false),
})

/** Exactly one of equals / in / exists. */
export const stringPredicateSchema = z
  .strictObject({
    equals: z.string().optional(),
    in: z.array(z.string()).min(1).optional(),
    exists: z.boolean().optional(),
  })
  .refine((p) => [p.equals, p.in, p.exists].filter((v) => v !== undefined).length === 1, {
    message: 'needs exactly one of equals, in, exists',
  })

export type StringPredicate = z.infer<typeof stringPredicateSchema>

export const metadataSignalSchema = z.strictObject({
  name,
  description,
  /** Key of the request body's top-level `metadata` object. */
  key: z.string().min(1).max(128),
  predicate: stringPredicateSchema,
})

/** Ours: a request header (caller, tenant, cohort set by a trusted proxy). */
export const headerSignalSchema = z.strictObject({
  name,
  description,
  /** Header name (case-insensitive). */
  header: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'a header name'),
  predicate: stringPredicateSchema,
})

const bound = numericPredicateSchema.optional()

export const structureSignalSchema = z.strictObject({
  name,
  description,
  feature: z.strictObject({
    type: z.enum(['exists', 'count', 'density', 'sequence']),
    source: z.strictObject({
      type: z.enum(['regex', 'keyword_set', 'sequence', 'text_bytes']),
      pattern: z.string().optional(),
      keywords: z.array(z.string().min(1)).optional(),
      case_sensitive: z.boolean().default(false),
      sequences: z.array(z.array(z.string().min(1)).min(1)).optional(),
    }),
  }),
  predicate: bound,
})

export const conversationSignalSchema = z.strictObject({
  name,
  description,
  feature: z.strictObject({
    type: z.enum(['count', 'exists']),
    source: z.strictObject({
      type: z.enum([
        'message',
        'tool_definition',
        'assistant_tool_call',
        'assistant_tool_cycle',
        'active_tool_loop',
        'image_content',
      ]),
      role: z.enum(['user', 'assistant', 'system', 'developer', 'tool', 'non_user']).optional(),
    }),
  }),
  predicate: bound,
})

/**
 * Ours: a sticky traffic split as a signal, so an A/B test or canary can send a share of callers
 * to another *decision* (its own models, prompts, plugins). The rule matches when the caller's
 * point u = hash(experiment, key) × 100 lies in [offset, offset + percent).
 */
export const splitSignalSchema = z.strictObject({
  name,
  description,
  /** Rules of one experiment share its hash, so their ranges partition the callers. */
  experiment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
  percent: z.number().min(0).max(100),
  offset: z.number().min(0).max(100).default(0),
  sticky_by: z.enum(['user', 'caller', 'request']).default('user'),
})

/** Families we accept but do not evaluate: their rules keep a name so leaves can refer to them. */
const acceptedOnly = z.looseObject({ name, description })

export const signalsSchema = z.strictObject({
  keywords: z.array(keywordSignalSchema).default([]),
  embeddings: z.array(embeddingSignalSchema).default([]),
  domains: z.array(domainSignalSchema).default([]),
  language: z.array(languageSignalSchema).default([]),
  context: z.array(contextSignalSchema).default([]),
  complexity: z.array(complexitySignalSchema).default([]),
  role_bindings: z.array(roleBindingSchema).default([]),
  jailbreak: z.array(jailbreakSignalSchema).default([]),
  pii: z.array(piiSignalSchema).default([]),
  metadata: z.array(metadataSignalSchema).default([]),
  /** Ours. */
  headers: z.array(headerSignalSchema).default([]),
  /** Ours. */
  splits: z.array(splitSignalSchema).default([]),
  fact_check: z.array(acceptedOnly).default([]),
  user_feedbacks: z.array(acceptedOnly).default([]),
  reasks: z.array(acceptedOnly).default([]),
  preferences: z.array(acceptedOnly).default([]),
  structure: z.array(structureSignalSchema).default([]),
  modality: z.array(acceptedOnly).default([]),
  kb: z.array(acceptedOnly).default([]),
  conversation: z.array(conversationSignalSchema).default([]),
  events: z.array(acceptedOnly).default([]),
  classifiers: z.array(acceptedOnly).default([]),
})

export type SignalsConfig = z.infer<typeof signalsSchema>
export type SignalFamilyKey = keyof SignalsConfig

/**
 * YAML family key → rule-leaf type, and whether this router evaluates the family. `authz` leaves
 * name a binding's role (or the binding's name, which upstream's Go router also accepts).
 */
export const SIGNAL_FAMILIES: Readonly<
  Record<SignalFamilyKey, { readonly type: string; readonly supported: boolean }>
> = {
  keywords: { type: 'keyword', supported: true },
  embeddings: { type: 'embedding', supported: true },
  domains: { type: 'domain', supported: true },
  language: { type: 'language', supported: true },
  context: { type: 'context', supported: true },
  complexity: { type: 'complexity', supported: true },
  role_bindings: { type: 'authz', supported: true },
  jailbreak: { type: 'jailbreak', supported: true },
  pii: { type: 'pii', supported: true },
  metadata: { type: 'metadata', supported: true },
  headers: { type: 'header', supported: true },
  splits: { type: 'split', supported: true },
  fact_check: { type: 'fact_check', supported: false },
  user_feedbacks: { type: 'user_feedback', supported: false },
  reasks: { type: 'reask', supported: false },
  preferences: { type: 'preference', supported: false },
  structure: { type: 'structure', supported: true },
  modality: { type: 'modality', supported: false },
  kb: { type: 'kb', supported: false },
  conversation: { type: 'conversation', supported: true },
  events: { type: 'event', supported: false },
  classifiers: { type: 'classifier', supported: false },
}

/** Leaf type → YAML family key. `projection` leaves name projection outputs (not a family). */
export const FAMILY_OF_TYPE: ReadonlyMap<string, SignalFamilyKey> = new Map(
  (Object.entries(SIGNAL_FAMILIES) as [SignalFamilyKey, { type: string }][]).map(([k, v]) => [
    v.type,
    k,
  ]),
)
