/**
 * Guard interfaces the pipeline calls: jailbreak / prompt-injection detection and PII detection.
 * Implementations (rules, ONNX models, validators) live in their own folders and plug in with the
 * one plug-in shape (kind, description, options schema, factory; src/guards/registry.ts); the
 * config chooses them (`pipeline.jailbreak_detectors`, `pipeline.pii_detectors`) and the pipeline
 * only sees these shapes.
 */
import type { PluginShape } from '../config/plugin.js'
import type { RoleDeps } from '../ml/roles.js'

export interface JailbreakVerdict {
  readonly isJailbreak: boolean
  /** Label of the top class: `jailbreak`, `benign`, or a finer attack type. */
  readonly label: string
  readonly confidence: number
  /** Which detector decided, and which rule or model fired (never the prompt text). */
  readonly source: string
  readonly detail?: string
  /** Rules that fired (rule-based detectors), strongest first. Ids and families, never text. */
  readonly rules?: readonly JailbreakRuleHit[]
}

export interface JailbreakRuleHit {
  readonly id: string
  /** Attack family, e.g. `instruction_override`, `persona`, `prompt_leak`. */
  readonly family: string
  readonly weight: number
  /** Text view the rule matched on: `canonical`, `deobfuscated`, `decoded`, `reversed`, ... */
  readonly view: string
}

/** A learned combination of the embedded rules and a model (guards/jailbreak/rule-combination.ts). */
export interface RuleCombination {
  readonly ruleWeight: number
  readonly rulesAloneAt: number
  /** Added to the combined logit (moves the operating point without re-exporting the graph). */
  readonly offset?: number
}

export interface JailbreakDetector {
  readonly kind: string
  /**
   * How a model trained together with the embedded rules wants to be combined with them (its
   * config.json `_semantic_router.rules_combination`); absent: rules OR model (the larger
   * probability).
   */
  readonly ruleCombination?: RuleCombination
  /** Score one text. */
  detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict>
  close?(): Promise<void>
}

/**
 * The prompt_guard detector of a chat request: the whole chain for a text without a role (the
 * classification API) and for user, assistant and tool messages; `forRole` says which detector
 * reads a message of a given role (prompt_guard.operator_messages, src/guards/jailbreak/roles.ts).
 */
export interface MessageJailbreakDetector extends JailbreakDetector {
  forRole(role: string): JailbreakDetector
}

export interface PiiEntity {
  /** Presidio type name, e.g. EMAIL_ADDRESS, US_SSN. */
  readonly type: string
  /** Character offsets into the analysed text, end exclusive. */
  readonly start: number
  readonly end: number
  readonly value: string
  readonly confidence: number
  readonly source: string
}

export interface PiiDetector {
  readonly kind: string
  /** Types this detector can find. */
  readonly types: readonly string[]
  detect(text: string, signal?: AbortSignal): Promise<PiiEntity[]>
  close?(): Promise<void>
}

/**
 * What a detector is built from: the config and the ML runtime's model loading (a detector backed
 * by a model loads it through the state owner's registry, shared with every runtime).
 */
export type DetectorBuildContext = RoleDeps

/** A jailbreak detector kind (`pipeline.jailbreak_detectors[].kind`). */
export interface JailbreakDetectorPlugin<O = Record<string, unknown>> extends PluginShape<O> {
  /** Null when the config gives it nothing to do (e.g. `model` without a configured model). */
  create(ctx: DetectorBuildContext, options: O): Promise<JailbreakDetector | null>
}

/** A PII detector kind (`pipeline.pii_detectors[].kind`). */
export interface PiiDetectorPlugin<O = Record<string, unknown>> extends PluginShape<O> {
  /** Null when the config gives it nothing to do (e.g. `model` without a configured model). */
  create(ctx: DetectorBuildContext, options: O): Promise<PiiDetector | null>
}
