/**
 * Adam over one flat parameter array, for the trainers with hand-written gradients (the
 * jailbreak convolution, the cache verifier's pair net). The caller adds a batch's gradient into
 * `grad`; step() applies it (with L2 on the values when `l2` > 0) and clears `grad` for the next
 * batch. Float32 moments: the parameters are Float32 too, and the trainers stay deterministic.
 */
export class Adam {
  private readonly m1: Float32Array
  private readonly m2: Float32Array
  private t = 0
  constructor(
    readonly values: Float32Array,
    readonly grad: Float32Array,
    private readonly rate: number,
    private readonly l2: number,
  ) {
    this.m1 = new Float32Array(values.length)
    this.m2 = new Float32Array(values.length)
  }

  step(): void {
    this.t++
    const c1 = 1 - 0.9 ** this.t
    const c2 = 1 - 0.999 ** this.t
    for (let i = 0; i < this.values.length; i++) {
      const g = this.grad[i]! + this.l2 * this.values[i]!
      this.m1[i] = 0.9 * this.m1[i]! + 0.1 * g
      this.m2[i] = 0.999 * this.m2[i]! + 0.001 * g * g
      this.values[i] =
        this.values[i]! - (this.rate * (this.m1[i]! / c1)) / (Math.sqrt(this.m2[i]! / c2) + 1e-8)
      this.grad[i] = 0
    }
  }
}
