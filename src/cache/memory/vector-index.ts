/**
 * One partition's vectors: an exact dot-product scan while the partition is small (faster than a graph
 * walk there, and exact), an HNSW graph (hnswlib-node) once it grows past `exactBelow`.
 *
 * The switch-over builds the graph in slices on later event-loop turns, so a request never waits for
 * a whole build; until the graph has caught up, searches keep using the exact scan. Vectors are
 * L2-normalised, so the inner-product space gives cosine similarity = 1 − distance.
 */
import hnswlib from 'hnswlib-node'

const { HierarchicalNSW } = hnswlib

export interface VectorIndexOptions {
  readonly dimension: number
  readonly exactBelow: number
  readonly useHnsw: boolean
  readonly m: number
  readonly efConstruction: number
  readonly efSearch: number
}

export interface Neighbour {
  readonly label: number
  readonly similarity: number
}

const BUILD_SLICE = 256
const INITIAL_CAPACITY = 1024

export class VectorIndex {
  private readonly dim: number
  // Exact store: row i of `matrix` belongs to labels[i]; removal swaps the last row in.
  private matrix: Float32Array | null
  private labels: number[] = []
  private readonly rowOf = new Map<number, number>()
  // Graph store.
  private graph: InstanceType<typeof HierarchicalNSW> | null = null
  private readonly inGraph = new Set<number>()
  private readonly pending = new Set<number>()
  private deletedInGraph = 0
  private building: Promise<void> | null = null
  private closed = false

  constructor(private readonly options: VectorIndexOptions) {
    this.dim = options.dimension
    this.matrix = new Float32Array(this.dim * 16)
  }

  get size(): number {
    return this.graphOnly() ? this.inGraph.size + this.pending.size : this.labels.length
  }

  /** True once searches are served by the graph. */
  get approximate(): boolean {
    return this.graphOnly()
  }

  add(label: number, vector: Float32Array): void {
    if (this.graphOnly()) {
      this.addToGraph(label, vector)
      return
    }
    this.addExact(label, vector)
    if (this.graph !== null) this.pending.add(label)
    else if (this.options.useHnsw && this.labels.length >= this.options.exactBelow)
      this.startBuild()
  }

  remove(label: number): void {
    if (this.rowOf.has(label)) this.removeExact(label)
    this.pending.delete(label)
    if (this.inGraph.delete(label)) {
      this.graph?.markDelete(label)
      this.deletedInGraph++
    }
  }

  search(query: Float32Array, k: number): Neighbour[] {
    if (k <= 0 || this.size === 0) return []
    return this.graphOnly() ? this.searchGraph(query, k) : this.searchExact(query, k)
  }

  /** Resolves when a pending graph build has finished (benchmarks and tests). */
  async ready(): Promise<void> {
    while (this.building !== null) await this.building
  }

  /** Approximate bytes held: vectors plus graph links. */
  bytes(): number {
    const vectorBytes = this.dim * 4
    const exact = this.matrix === null ? 0 : this.matrix.byteLength + this.labels.length * 16
    const graphRows = this.graph === null ? 0 : this.graph.getMaxElements()
    const linkBytes = (this.options.m * 2 + 1) * 4 + 32
    return exact + graphRows * (vectorBytes + linkBytes)
  }

  close(): void {
    this.closed = true
    this.graph = null
    this.matrix = null
  }

  private graphOnly(): boolean {
    return this.graph !== null && this.matrix === null
  }

  private addExact(label: number, vector: Float32Array): void {
    const row = this.labels.length
    let matrix = this.matrix!
    if ((row + 1) * this.dim > matrix.length) {
      const grown = new Float32Array(matrix.length * 2)
      grown.set(matrix)
      matrix = grown
      this.matrix = grown
    }
    matrix.set(vector.subarray(0, this.dim), row * this.dim)
    this.labels.push(label)
    this.rowOf.set(label, row)
  }

  private removeExact(label: number): void {
    const row = this.rowOf.get(label)!
    const last = this.labels.length - 1
    const matrix = this.matrix!
    if (row !== last) {
      const movedLabel = this.labels[last]!
      matrix.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim)
      this.labels[row] = movedLabel
      this.rowOf.set(movedLabel, row)
    }
    this.labels.pop()
    this.rowOf.delete(label)
  }

  private searchExact(query: Float32Array, k: number): Neighbour[] {
    const matrix = this.matrix!
    const dim = this.dim
    const best: Neighbour[] = []
    let floor = -Infinity
    for (let row = 0; row < this.labels.length; row++) {
      let sum = 0
      const base = row * dim
      for (let i = 0; i < dim; i++) sum += matrix[base + i]! * query[i]!
      if (best.length === k && sum <= floor) continue
      insertSorted(best, { label: this.labels[row]!, similarity: sum }, k)
      if (best.length === k) floor = best[k - 1]!.similarity
    }
    return best
  }

  private searchGraph(query: Float32Array, k: number): Neighbour[] {
    const graph = this.graph!
    const want = Math.min(k, this.inGraph.size)
    graph.setEf(Math.max(this.options.efSearch, want))
    const result = graph.searchKnn(Array.from(query), want)
    const out: Neighbour[] = []
    for (let i = 0; i < result.neighbors.length; i++)
      out.push({ label: result.neighbors[i]!, similarity: 1 - result.distances[i]! })
    out.sort((a, b) => b.similarity - a.similarity)
    return out
  }

  private addToGraph(label: number, vector: Float32Array): void {
    const graph = this.graph!
    const replace = this.deletedInGraph > 0
    if (!replace && graph.getCurrentCount() >= graph.getMaxElements())
      graph.resizeIndex(graph.getMaxElements() * 2)
    graph.addPoint(Array.from(vector.subarray(0, this.dim)), label, replace)
    if (replace) this.deletedInGraph--
    this.inGraph.add(label)
  }

  private startBuild(): void {
    const graph = new HierarchicalNSW('ip', this.dim)
    graph.initIndex({
      maxElements: Math.max(INITIAL_CAPACITY, this.labels.length * 2),
      m: this.options.m,
      efConstruction: this.options.efConstruction,
      randomSeed: 100,
      allowReplaceDeleted: true,
    })
    this.graph = graph
    for (const label of this.labels) this.pending.add(label)
    this.building = this.buildInSlices().finally(() => {
      this.building = null
    })
  }

  private async buildInSlices(): Promise<void> {
    while (!this.closed && this.pending.size > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (this.closed || this.graph === null) return
      let done = 0
      for (const label of this.pending) {
        if (done++ >= BUILD_SLICE) break
        const row = this.rowOf.get(label)!
        this.addToGraph(label, this.matrix!.subarray(row * this.dim, (row + 1) * this.dim))
        this.pending.delete(label)
      }
    }
    if (this.closed) return
    // Caught up: the graph now serves searches and the exact copy is released.
    this.matrix = null
    this.labels = []
    this.rowOf.clear()
  }
}

function insertSorted(best: Neighbour[], item: Neighbour, k: number): void {
  let i = best.length
  while (i > 0 && best[i - 1]!.similarity < item.similarity) i--
  best.splice(i, 0, item)
  if (best.length > k) best.pop()
}
