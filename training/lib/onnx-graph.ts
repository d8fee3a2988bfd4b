/**
 * A small ONNX graph writer on top of `onnx-proto` (a devDependency): enough to emit the embedded
 * models, the tiny models the test suite generates, and the random-weight BERT-sized model the
 * benchmark loads. Every graph takes the standard Hugging Face inputs (`input_ids`,
 * `attention_mask`, int64 [batch, seq]) so the runtime loads them exactly like a user's export.
 */
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
const T = onnx.TensorProto.DataType
const A = onnx.AttributeProto.AttributeType

export type AttrValue = number | number[] | { float: number }

export interface Initializer {
  name: string
  dims: number[]
  data: Float32Array | BigInt64Array | Int32Array | Int8Array
}

export class GraphBuilder {
  private readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = []
  private readonly inits: ReturnType<typeof onnx.TensorProto.create>[] = []
  private readonly floatInputs: { name: string; dims: (number | string)[] }[] = []
  private counter = 0

  /** Declare a float32 graph input besides the two standard ones; returns its name. */
  input(name: string, dims: (number | string)[]): string {
    this.floatInputs.push({ name, dims })
    return name
  }

  /** Add a float32, int64, int32 or int8 constant tensor; returns its name. */
  constant(
    name: string,
    dims: number[],
    data: Float32Array | BigInt64Array | Int32Array | Int8Array,
  ): string {
    const dataType =
      data instanceof Float32Array
        ? T.FLOAT
        : data instanceof Int8Array
          ? T.INT8
          : data instanceof Int32Array
            ? T.INT32
            : T.INT64
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType, rawData: bytes }))
    return name
  }

  int64(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(`c${this.counter++}`, dims, BigInt64Array.from(values.map(BigInt)))
  }

  float(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(`c${this.counter++}`, dims, Float32Array.from(values))
  }

  /** Add a node; returns the name of its (first) output. */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    output?: string,
  ): string {
    const out = output ?? `t${this.counter++}`
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: A.INTS, ints: v }
      if (typeof v === 'object') return { name, type: A.FLOAT, f: v.float }
      return { name, type: A.INT, i: v }
    })
    this.nodes.push(
      onnx.NodeProto.create({ opType, input: inputs, output: [out], name: out, attribute }),
    )
    return out
  }

  /** Serialise with the two standard int64 inputs (then any declared) and the given outputs. */
  encode(outputs: { name: string; dims: (number | string)[] }[]): Uint8Array {
    const valueInfo = (name: string, elemType: number, dims: (number | string)[]) =>
      onnx.ValueInfoProto.create({
        name,
        type: {
          tensorType: {
            elemType,
            shape: {
              dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
            },
          },
        },
      })
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'semantic-router-training',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'main',
        node: this.nodes,
        initializer: this.inits,
        input: [
          valueInfo('input_ids', T.INT64, ['batch', 'sequence']),
          valueInfo('attention_mask', T.INT64, ['batch', 'sequence']),
          ...this.floatInputs.map((i) => valueInfo(i.name, T.FLOAT, i.dims)),
        ],
        output: outputs.map((o) => valueInfo(o.name, T.FLOAT, o.dims)),
      },
    })
    return onnx.ModelProto.encode(model).finish()
  }
}

/** Float mask [B,S,1] from attention_mask. */
export function maskColumn(g: GraphBuilder): string {
  const maskF = g.op('Cast', ['attention_mask'], { to: T.FLOAT })
  return g.op('Unsqueeze', [maskF, g.int64([2])])
}

/**
 * Hashed token bigrams: ids [B,S] → bucket ids [B,S-1] = (ids[:, :-1] * vocab + ids[:, 1:]) mod
 * buckets, plus the matching float mask [B,S-1,1]. Shared by the category model and the lexical
 * embedder, and mirrored exactly by training/lib/features.ts.
 */
export function bigramBuckets(
  g: GraphBuilder,
  vocabSize: number,
  buckets: number,
): { ids: string; mask: string } {
  const start0 = g.int64([0])
  const start1 = g.int64([1])
  const endAll = g.int64([2 ** 62])
  const endLast = g.int64([-1])
  const axis = g.int64([1])
  const left = g.op('Slice', ['input_ids', start0, endLast, axis])
  const right = g.op('Slice', ['input_ids', start1, endAll, axis])
  const scaled = g.op('Mul', [left, g.int64([vocabSize], [])])
  const pair = g.op('Add', [scaled, right])
  const ids = g.op('Mod', [pair, g.int64([buckets], [])])
  const maskF = g.op('Cast', ['attention_mask'], { to: T.FLOAT })
  const mLeft = g.op('Slice', [maskF, start0, endLast, axis])
  const mRight = g.op('Slice', [maskF, start1, endAll, axis])
  const pairMask = g.op('Mul', [mLeft, mRight])
  return { ids, mask: g.op('Unsqueeze', [pairMask, g.int64([2])]) }
}

/** Masked sum over the sequence axis: x [B,S,D] * mask [B,S,1] → [B,D]. */
export function maskedSum(g: GraphBuilder, x: string, mask: string): string {
  const masked = g.op('Mul', [x, mask])
  return g.op('ReduceSum', [masked, g.int64([1])], { keepdims: 0 })
}

export function writeModelBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
