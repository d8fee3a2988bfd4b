/**
 * A model evaluated on its test split, with the figures recorded next to it. Every embedded model
 * registers one (registry.ts): `semantic-router eval` runs them all, prints the tables, and with
 * `--write` puts each table into the model's data card and records the figures in
 * training/eval-recorded.json; test/eval/recorded-figures.test.ts fails when a retrained model falls
 * below what was recorded.
 */
export interface CardEvaluation {
  /** Stable name (`category`, `jailbreak`, `cache-verifier`, ...): the key in the recorded file. */
  readonly name: string
  /** Data cards (repository-relative) whose `<!-- eval:<name> -->` block holds the table. */
  readonly dataCards: readonly string[]
  run(): Promise<CardReport>
}

export interface CardReport {
  /**
   * Headline figures, higher is better (accuracy and F1 in percent, AUC ×100, ...). A figure that
   * should go down (a false-positive rate) is recorded as its complement.
   */
  readonly figures: Readonly<Record<string, number>>
  /** Markdown for the data card: what was measured, on what, and the figures. */
  readonly markdown: string
}
