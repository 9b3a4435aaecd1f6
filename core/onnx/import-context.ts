/**
 * The state of one ONNX import: the value table (each ONNX value is either a folded constant or
 * the output of a ConvLab node, with its full shape at the import batch size), the nodes and
 * weights being built, and typed readers for ONNX attributes.
 */
import type { GraphNode, Weights } from '../graph/types';
import { getOp } from '../ops/registry';
import type { AttrValue } from '../ops/types';
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { OnnxError } from './errors';
import { AttributeProto_AttributeType as AT, type AttributeProto, type NodeProto, type TensorProto } from './generated/onnx';
import { utf8Decode } from './wire';

/** A folded constant: float values, plus exact integers for integer-typed tensors (shapes, axes, pads). */
export interface ConstValue {
  kind: 'const';
  tensor: Tensor;
  ints?: number[];
}

/** The output of a ConvLab node; `shape` includes the batch dimension. */
export interface NodeValue {
  kind: 'node';
  node: string;
  shape: Shape;
}

export type Value = ConstValue | NodeValue;

export type Converter = (ctx: ImportContext, node: NodeProto) => void;

export class ImportContext {
  readonly values = new Map<string, Value>();
  readonly nodes: GraphNode[] = [];
  readonly weights: Weights = {};
  private readonly names = new Set<string>();
  /** How many nodes read each ONNX value (for fusing MatMul + Add). */
  readonly uses = new Map<string, number>();
  /** The nodes reading each ONNX value, with the input slot they read it in. */
  readonly readers = new Map<string, { node: NodeProto; slot: number }[]>();
  /** ONNX values that hold integers in a float tensor (integer graph inputs, Casts to an integer type). */
  readonly integer = new Set<string>();

  constructor(
    /** The ai.onnx opset the model imports. */
    readonly opset: number,
    /** The batch size shapes are tracked at (the graph input's first dimension). */
    public batch: number,
  ) {}

  fail(node: NodeProto, message: string): never {
    throw new OnnxError(`onnx import: ${node.opType ?? '?'} node "${node.name || node.output?.[0] || '?'}": ${message}`);
  }

  /** `v`, or an OnnxError saying `message` when it is undefined. */
  need<T>(node: NodeProto, v: T | undefined, message: string): T {
    if (v === undefined) this.fail(node, message);
    return v;
  }

  /** The i-th input value; throws when it is missing. Empty names (optional inputs) give undefined. */
  input(node: NodeProto, i: number): Value | undefined {
    const name = node.input?.[i];
    if (name === undefined || name === '') return undefined;
    const v = this.values.get(name);
    if (!v) this.fail(node, `input "${name}" is not defined`);
    return v;
  }

  dyn(node: NodeProto, i: number, what = `input ${i}`): NodeValue {
    const v = this.input(node, i);
    if (!v) this.fail(node, `${what} is missing`);
    if (v.kind === 'const') return this.constNode(v, `${node.input?.[i]}`);
    return v;
  }

  constOf(node: NodeProto, i: number, what = `input ${i}`): ConstValue {
    const v = this.input(node, i);
    if (!v) this.fail(node, `${what} is missing`);
    if (v.kind !== 'const') this.fail(node, `${what} ("${node.input?.[i]}") must be a constant (an initializer), but it is computed by the graph`);
    return v;
  }

  optConst(node: NodeProto, i: number, what = `input ${i}`): ConstValue | undefined {
    return this.input(node, i) === undefined ? undefined : this.constOf(node, i, what);
  }

  intsOf(node: NodeProto, i: number, what = `input ${i}`): number[] {
    const c = this.constOf(node, i, what);
    return c.ints ?? Array.from(c.tensor.data);
  }

  outName(node: NodeProto, i = 0): string {
    const n = node.output?.[i];
    if (!n) this.fail(node, `has no output ${i}`);
    return n;
  }

  /** A node name not used yet, based on `base`. */
  unique(base: string): string {
    let name = base || 'node';
    let k = 1;
    while (this.names.has(name) || this.values.has(name)) name = `${base}_${k++}`;
    return name;
  }

  /**
   * Adds a ConvLab node and returns its value. Its output shape comes from the op's own shape
   * inference at the import batch size, so every emitted node is checked as it is made.
   */
  emit(node: NodeProto, op: string, inputs: NodeValue[], attrs: Record<string, AttrValue>, params: Record<string, Tensor> = {}, name?: string): NodeValue {
    const nodeName = this.unique(name ?? this.outName(node));
    this.names.add(nodeName);
    const def = getOp(op);
    let shape: Shape;
    try {
      const parsed = def.parseAttrs(attrs);
      shape = def.inferShape(
        inputs.map((v) => v.shape),
        parsed,
      );
      for (const spec of def.params(
        inputs.map((v) => v.shape),
        parsed,
      )) {
        const t = params[spec.name];
        if (!t) throw new Error(`param "${spec.name}" is missing`);
        if (t.size !== spec.shape.reduce((a, b) => a * b, 1)) {
          throw new Error(`param "${spec.name}" has shape ${shapeToString(t.shape)}, expected ${shapeToString(spec.shape)}`);
        }
        params[spec.name] = t.reshape(spec.shape);
      }
    } catch (e) {
      this.fail(node, `as ${op} (inputs ${inputs.map((v) => shapeToString(v.shape)).join(', ') || 'none'}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) this.fail(node, `as ${op}: output shape ${shapeToString(shape)} is empty`);
    this.nodes.push({ name: nodeName, op, inputs: inputs.map((v) => v.node), attrs });
    if (Object.keys(params).length > 0) this.weights[nodeName] = params;
    return { kind: 'node', node: nodeName, shape };
  }

  /** A constant used where the graph needs a node: a Const node holding it. */
  constNode(v: ConstValue, base: string): NodeValue {
    const t = v.tensor;
    const shape = t.shape.length === 0 ? [1] : [...t.shape];
    const name = this.unique(`${base}/const`);
    this.names.add(name);
    this.nodes.push({ name, op: 'Const', inputs: [], attrs: { shape } });
    this.weights[name] = { value: t.reshape(shape) };
    return { kind: 'node', node: name, shape };
  }

  /** True when every reader of `value` reads it as Gather's indices (slot 1). */
  onlyIndices(value: string): boolean {
    const rs = this.readers.get(value) ?? [];
    return rs.length > 0 && rs.every((r) => r.node.opType === 'Gather' && r.slot === 1 && (r.node.domain ?? '') === '');
  }

  /** Binds an ONNX output name to a value (aliases for Identity, folded constants, emitted nodes). */
  set(node: NodeProto, v: Value, i = 0): void {
    this.values.set(this.outName(node, i), v);
  }
}

export function constValue(t: Tensor, ints?: number[]): ConstValue {
  return { kind: 'const', tensor: t, ints };
}

// ---- attributes ----

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function wrong(node: NodeProto, name: string, want: string): OnnxError {
  return new OnnxError(`onnx import: ${node.opType} node "${node.name || node.output?.[0]}": attribute "${name}" must be ${want}`);
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (!a) return fallback;
  if (a.i === undefined || (a.type !== undefined && a.type !== AT.INT)) throw wrong(node, name, 'an integer');
  return a.i;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (!a) return fallback;
  if (a.f === undefined || (a.type !== undefined && a.type !== AT.FLOAT)) throw wrong(node, name, 'a float');
  return a.f;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = find(node, name);
  if (!a) return undefined;
  if (a.type !== undefined && a.type !== AT.INTS) throw wrong(node, name, 'a list of integers');
  return a.ints ?? [];
}

export function attrFloats(node: NodeProto, name: string): number[] | undefined {
  const a = find(node, name);
  if (!a) return undefined;
  if (a.type !== undefined && a.type !== AT.FLOATS) throw wrong(node, name, 'a list of floats');
  return a.floats ?? [];
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const a = find(node, name);
  if (!a) return fallback;
  if (a.s === undefined || (a.type !== undefined && a.type !== AT.STRING)) throw wrong(node, name, 'a string');
  return utf8Decode(a.s, 0, a.s.length);
}

export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  const a = find(node, name);
  if (!a) return undefined;
  if (a.t === undefined || (a.type !== undefined && a.type !== AT.TENSOR)) throw wrong(node, name, 'a tensor');
  return a.t;
}

export function hasAttr(node: NodeProto, name: string): boolean {
  return find(node, name) !== undefined;
}
