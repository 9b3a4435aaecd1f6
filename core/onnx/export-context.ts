/**
 * The state of one ONNX export: the NodeProtos and initializers being built, unique value names,
 * typed attribute builders, and the per-node view (ExportArgs) each op exporter receives.
 * Every ConvLab node's last ONNX node writes a value named after the ConvLab node, so an import
 * of the exported file names its nodes as the original graph did.
 */
import type { GraphNode } from '../graph/types';
import type { OpDef } from '../ops/types';
import type { Shape, Tensor } from '../tensor/tensor';
import { OnnxError } from './errors';
import { AttributeProto_AttributeType as AT, type AttributeProto, type NodeProto, type TensorProto } from './generated/onnx';
import { int64Proto, tensorToProto } from './tensor-proto';
import { utf8Encode } from './wire';

export function attrInt(name: string, i: number): AttributeProto {
  return { name, type: AT.INT, i };
}

export function attrInts(name: string, ints: readonly number[]): AttributeProto {
  return { name, type: AT.INTS, ints: [...ints] };
}

export function attrFloat(name: string, f: number): AttributeProto {
  return { name, type: AT.FLOAT, f };
}

export function attrString(name: string, s: string): AttributeProto {
  return { name, type: AT.STRING, s: utf8Encode(s) };
}

export class ExportContext {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  constructor(readonly opset: number) {}

  /** Reserves a value name (graph inputs, node outputs); a taken name gets a numeric suffix. */
  fresh(base: string): string {
    let name = base || 'value';
    let k = 1;
    while (this.names.has(name)) name = `${base}_${k++}`;
    this.names.add(name);
    return name;
  }

  /** Reserves exactly `name`; an OnnxError if it is taken (node names must stay the ONNX value names). */
  claim(name: string): string {
    if (this.names.has(name)) throw new OnnxError(`onnx export: the value name "${name}" is used twice (a node and an initializer or input share it)`);
    this.names.add(name);
    return name;
  }

  floatInit(base: string, t: Tensor): string {
    const name = this.fresh(base);
    this.initializers.push(tensorToProto(name, t));
    return name;
  }

  int64Init(base: string, values: readonly number[], dims?: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Proto(name, values, dims));
    return name;
  }
}

/** A node the chosen opset cannot express; exportOnnx collects these into one error. */
export class OpsetRefusal extends OnnxError {
  constructor(
    message: string,
    readonly minOpset: number,
  ) {
    super(message);
    this.name = 'OpsetRefusal';
  }
}

/** What an op exporter sees for one ConvLab node. */
export class ExportArgs {
  constructor(
    readonly ctx: ExportContext,
    readonly node: GraphNode,
    /** ONNX value names of the node's inputs. */
    readonly inputs: readonly string[],
    /** Full input shapes at the reference batch (batch 1 unless an input fixes it). */
    readonly inputShapes: readonly Shape[],
    readonly outputShape: Shape,
    readonly params: Readonly<Record<string, Tensor>>,
    /** The value name the node's final ONNX output must carry. */
    readonly out: string,
    readonly doc: string,
  ) {}

  get opset(): number {
    return this.ctx.opset;
  }

  /** An OnnxError naming the node and op. */
  refuse(reason: string): never {
    throw new OnnxError(`onnx export: ${this.node.op} "${this.node.name}": ${reason}`);
  }

  /** The node's attributes parsed by its op (an OnnxError naming the node if they do not parse). */
  attrs<A>(op: OpDef<A>): A {
    try {
      return op.parseAttrs(this.node.attrs);
    } catch (e) {
      return this.refuse(e instanceof Error ? e.message : String(e));
    }
  }

  /** Refuses the node below `min`, saying why (collected with the other nodes' refusals). */
  requireOpset(min: number, why: string): void {
    if (this.ctx.opset < min) throw new OpsetRefusal(`${this.node.op} "${this.node.name}" needs opset >= ${min}: ${why}`, min);
  }

  param(name: string): Tensor {
    const t = this.params[name];
    if (!t) this.refuse(`missing weight "${name}"`);
    return t;
  }

  /** The node's param as an initializer named `<node>.<param>`. */
  paramInit(name: string): string {
    return this.ctx.floatInit(`${this.node.name}.${name}`, this.param(name));
  }

  /** A float initializer private to this node (`<node>/<what>`). */
  floatConst(what: string, t: Tensor): string {
    return this.ctx.floatInit(`${this.node.name}/${what}`, t);
  }

  int64Const(what: string, values: readonly number[], dims?: readonly number[]): string {
    return this.ctx.int64Init(`${this.node.name}/${what}`, values, dims);
  }

  /** The node's output as an initializer (constants need no ONNX node). */
  outputInit(t: Tensor): void {
    this.ctx.initializers.push(tensorToProto(this.out, t));
  }

  /**
   * Adds one ONNX node. `output` true writes the node's final value (named after the ConvLab node);
   * otherwise a fresh intermediate `<node>/<step>` is returned.
   */
  emit(opType: string, inputs: readonly string[], attrs: readonly AttributeProto[] = [], output: boolean | string = false): string {
    const out = output === true ? this.out : this.ctx.fresh(`${this.node.name}/${typeof output === 'string' ? output : opType.toLowerCase()}`);
    const n: NodeProto = { input: [...inputs], output: [out], name: output === true ? this.node.name : out, opType, docString: this.doc };
    if (attrs.length > 0) n.attribute = [...attrs];
    this.ctx.nodes.push(n);
    return out;
  }
}

export type OpExporter = (a: ExportArgs) => void;
