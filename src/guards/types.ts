/**
 * Guard interfaces the pipeline calls: jailbreak / prompt-injection detection and PII detection.
 * Implementations (rules, ONNX models, validators) live in their own folders and are chosen by
 * config; the pipeline only sees these shapes.
 */

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

export interface JailbreakDetector {
  readonly kind: string
  /** Score one text. */
  detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict>
  close?(): Promise<void>
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
