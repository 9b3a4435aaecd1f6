/**
 * The node emitter of the training-step compiler: fresh value names on the shared ExportContext,
 * cached constants (int64 shapes/axes, float scalars) and the handful of composite helpers the
 * backward rules use (reductions over axes, zeros shaped like a value, sums of fan-out gradients).
 * Every value here has a dynamic batch dimension unless said otherwise.
 */
import { Tensor } from '../tensor/tensor';
import { attrInt, attrInts, type ExportContext } from './export-context';
import type { AttributeProto, NodeProto } from './generated/onnx';

export class TrainBuilder {
  private readonly consts = new Map<string, string>();
  private readonly shapes = new Map<string, string>();

  constructor(readonly ctx: ExportContext) {}

  /** One ONNX node with one output named `<hint>`; returns the output value name. */
  op(opType: string, inputs: readonly string[], attrs: readonly AttributeProto[] = [], hint = opType.toLowerCase()): string {
    return this.opN(opType, inputs, 1, attrs, hint)[0];
  }

  /** One ONNX node with `outputs` outputs. */
  opN(opType: string, inputs: readonly string[], outputs: number, attrs: readonly AttributeProto[] = [], hint = opType.toLowerCase()): string[] {
    const outs = Array.from({ length: outputs }, (_, k) => this.ctx.fresh(outputs === 1 ? hint : `${hint}:${k}`));
    const n: NodeProto = { input: [...inputs], output: outs, name: outs[0], opType };
    if (attrs.length > 0) n.attribute = [...attrs];
    this.ctx.nodes.push(n);
    return outs;
  }

  /** A node writing exactly the value(s) `out` (names the caller reserved). */
  opTo(out: string | readonly string[], opType: string, inputs: readonly string[], attrs: readonly AttributeProto[] = []): void {
    const outs = typeof out === 'string' ? [out] : [...out];
    const n: NodeProto = { input: [...inputs], output: outs, name: outs[0], opType };
    if (attrs.length > 0) n.attribute = [...attrs];
    this.ctx.nodes.push(n);
  }

  i64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.consts.get(key);
    if (!name) {
      name = this.ctx.int64Init(`const/i64_${values.join('_').replace(/-/g, 'm') || 'empty'}`, values, dims);
      this.consts.set(key, name);
    }
    return name;
  }

  f32(value: number): string {
    const key = `f32:${value}`;
    let name = this.consts.get(key);
    if (!name) {
      name = this.ctx.floatInit('const/f32', Tensor.from([], [value]));
      this.consts.set(key, name);
    }
    return name;
  }

  floatTensor(base: string, t: Tensor): string {
    return this.ctx.floatInit(base, t);
  }

  shapeOf(x: string): string {
    let s = this.shapes.get(x);
    if (!s) {
      s = this.op('Shape', [x], [], `${x}/shape`);
      this.shapes.set(x, s);
    }
    return s;
  }

  zerosLike(x: string): string {
    return this.op('ConstantOfShape', [this.shapeOf(x)], [], `${x}/zeros`);
  }

  add(a: string, b: string, hint?: string): string {
    return this.op('Add', [a, b], [], hint);
  }

  sub(a: string, b: string, hint?: string): string {
    return this.op('Sub', [a, b], [], hint);
  }

  mul(a: string, b: string, hint?: string): string {
    return this.op('Mul', [a, b], [], hint);
  }

  div(a: string, b: string, hint?: string): string {
    return this.op('Div', [a, b], [], hint);
  }

  reduceSum(x: string, axes: readonly number[], keepdims: boolean, hint?: string): string {
    return this.op('ReduceSum', [x, this.i64(axes)], [attrInt('keepdims', keepdims ? 1 : 0)], hint);
  }

  reduceMean(x: string, axes: readonly number[], keepdims: boolean, hint?: string): string {
    // ReduceMean takes its axes as an attribute until opset 18, as an input from 18 on.
    if (this.ctx.opset >= 18) return this.op('ReduceMean', [x, this.i64(axes)], [attrInt('keepdims', keepdims ? 1 : 0)], hint);
    return this.op('ReduceMean', [x], [attrInts('axes', axes), attrInt('keepdims', keepdims ? 1 : 0)], hint);
  }

  reshape(x: string, target: readonly number[], hint?: string): string {
    return this.op('Reshape', [x, this.i64(target)], [], hint);
  }

  reshapeLike(x: string, like: string, hint?: string): string {
    return this.op('Reshape', [x, this.shapeOf(like)], [], hint);
  }

  /** The number of elements of x over `axes` as a float scalar (dynamic batch included). */
  countOver(x: string, axes: readonly number[], hint?: string): string {
    const dims = this.op('Gather', [this.shapeOf(x), this.i64(axes)], [attrInt('axis', 0)], `${hint ?? x}/dims`);
    const prod = this.op('ReduceProd', [dims], [attrInt('keepdims', 0)], `${hint ?? x}/count_i`);
    return this.op('Cast', [prod], [attrInt('to', 1)], `${hint ?? x}/count`);
  }

  /** Sum of gradient contributions (fan-out); a single one is returned as is. */
  sum(parts: readonly string[], hint: string): string {
    if (parts.length === 1) return parts[0];
    return this.op(parts.length === 2 ? 'Add' : 'Sum', parts, [], hint);
  }
}
