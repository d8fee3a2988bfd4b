/**
 * Per-category guard policies compiled once per config: whether jailbreak and PII detection run
 * for a category and how strictly, with every fallback to the global settings already applied.
 * The `jailbreak` and `pii` modules ask `policies.of(ctx.category)` instead of working the
 * fallbacks out on every request; a request with no (or an unknown) category gets the global
 * policy. (Cache and system-prompt settings are per decision: src/decisions compiles them.)
 */
import type { CategoryConfig, RouterConfig } from '../config/schema/index.js'

export interface GuardPolicy {
  /** Whether the guard runs for this category (the module still needs the guard on globally). */
  readonly enabled: boolean
  readonly threshold: number
}

export interface CategoryPolicy {
  /** `jailbreak_enabled` / `jailbreak_threshold`, else prompt_guard's threshold. */
  readonly jailbreak: GuardPolicy
  /**
   * `pii_enabled` / `pii_threshold`, else classifier.pii_model's threshold; a threshold of 0 is
   * upstream's "off" switch.
   */
  readonly pii: GuardPolicy
}

function compile(config: RouterConfig, category: CategoryConfig | undefined): CategoryPolicy {
  const piiThreshold = category?.pii_threshold ?? config.classifier.pii_model.threshold
  return {
    jailbreak: {
      enabled: category?.jailbreak_enabled !== false,
      threshold: category?.jailbreak_threshold ?? config.prompt_guard.threshold,
    },
    pii: {
      enabled: category?.pii_enabled !== false && piiThreshold !== 0,
      threshold: piiThreshold,
    },
  }
}

export class CategoryPolicies {
  /** The policy of requests without a (known) category: the global settings. */
  readonly global: CategoryPolicy
  private readonly byName = new Map<string, CategoryPolicy>()

  constructor(config: RouterConfig) {
    this.global = compile(config, undefined)
    for (const category of config.categories)
      this.byName.set(category.name.toLowerCase(), compile(config, category))
  }

  /** The policy of a category (names match as CategoryIndex matches them: case-insensitively). */
  of(category: string): CategoryPolicy {
    return (category === '' ? undefined : this.byName.get(category.toLowerCase())) ?? this.global
  }
}
