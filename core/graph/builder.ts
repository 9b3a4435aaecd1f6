/**
 * A tiny fluent builder for graphs, used by the templates:
 *   const b = new GraphBuilder('lenet5');
 *   const x = b.input([1, 28, 28]);
 *   const c1 = b.conv2d('c1', x, { filters: 6, kernel: 5 });
 * Each method adds one node and returns its name (the node's output). Mistakes that are the
 * caller's (duplicate names, unknown inputs) throw at once; shape errors are left to validation.
 */
import type { AttrValue } from '../ops/types';
import { INPUT_OP } from './shapes';
import { GRAPH_FORMAT, GRAPH_VERSION, GraphError, type GraphNode, type ModelGraph } from './types';

export type BuilderAttrs = Readonly<Record<string, AttrValue | undefined>>;

export interface ConvAttrs {
  filters: number;
  kernel: number | number[];
  stride?: number | number[];
  dilation?: number | number[];
  groups?: number;
  pads?: number | number[];
  autoPad?: 'none' | 'same';
  ceil?: boolean;
  bias?: boolean;
}

export interface PoolAttrs {
  kernel: number | number[];
  stride?: number | number[];
  pads?: number | number[];
  ceil?: boolean;
  countIncludePad?: boolean;
}

function clean(attrs: BuilderAttrs): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(readonly name: string) {}

  /** A fresh name `prefix1`, `prefix2`, ... not yet used in this graph. */
  fresh(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do name = `${prefix}${++n}`;
    while (this.names.has(name));
    this.counters.set(prefix, n);
    return name;
  }

  /** Add any node. */
  node(op: string, name: string, inputs: string | readonly string[], attrs: BuilderAttrs = {}, doc?: string): string {
    if (this.names.has(name)) throw new GraphError(`builder "${this.name}": duplicate node name "${name}"`, name);
    const list = typeof inputs === 'string' ? [inputs] : [...inputs];
    for (const i of list) if (!this.names.has(i)) throw new GraphError(`builder "${this.name}": ${op} "${name}" uses "${i}" before it exists`, name);
    const node: GraphNode = { name, op, inputs: list, attrs: clean(attrs) };
    if (doc !== undefined) node.doc = doc;
    this.nodes.push(node);
    this.names.add(name);
    return name;
  }

  /** A graph input; `shape` excludes the batch dim unless `batch` fixes it (e.g. graph nodes). */
  input(shape: readonly number[], name = 'input', batch?: number): string {
    return this.node(INPUT_OP, name, [], { shape: [...shape], batch });
  }

  conv1d(name: string, x: string, a: ConvAttrs): string {
    return this.node('Conv1D', name, x, { ...a });
  }
  conv2d(name: string, x: string, a: ConvAttrs): string {
    return this.node('Conv2D', name, x, { ...a });
  }
  conv3d(name: string, x: string, a: ConvAttrs): string {
    return this.node('Conv3D', name, x, { ...a });
  }
  convTranspose2d(name: string, x: string, a: ConvAttrs): string {
    return this.node('ConvTranspose2D', name, x, { ...a });
  }
  maxPool2d(name: string, x: string, a: PoolAttrs): string {
    return this.node('MaxPool2D', name, x, { ...a });
  }
  avgPool2d(name: string, x: string, a: PoolAttrs): string {
    return this.node('AvgPool2D', name, x, { ...a });
  }
  maxPool3d(name: string, x: string, a: PoolAttrs): string {
    return this.node('MaxPool3D', name, x, { ...a });
  }
  avgPool3d(name: string, x: string, a: PoolAttrs): string {
    return this.node('AvgPool3D', name, x, { ...a });
  }
  globalAvgPool(name: string, x: string): string {
    return this.node('GlobalAvgPool', name, x);
  }
  relu(name: string, x: string): string {
    return this.node('ReLU', name, x);
  }
  tanh(name: string, x: string): string {
    return this.node('Tanh', name, x);
  }
  sigmoid(name: string, x: string): string {
    return this.node('Sigmoid', name, x);
  }
  /** ReLU or Tanh by name, for templates with an activation option. */
  act(kind: 'relu' | 'tanh' | 'sigmoid' | 'gelu', name: string, x: string): string {
    const op = { relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', gelu: 'GELU' }[kind];
    return this.node(op, name, x);
  }
  softmax(name: string, x: string): string {
    return this.node('Softmax', name, x);
  }
  batchNorm(name: string, x: string, a: { epsilon?: number; momentum?: number } = {}): string {
    return this.node('BatchNorm', name, x, { ...a });
  }
  dropout(name: string, x: string, rate: number): string {
    return this.node('Dropout', name, x, { rate });
  }
  dense(name: string, x: string, units: number, bias?: boolean): string {
    return this.node('Dense', name, x, { units, bias });
  }
  flatten(name: string, x: string): string {
    return this.node('Flatten', name, x);
  }
  reshape(name: string, x: string, shape: readonly number[]): string {
    return this.node('Reshape', name, x, { shape: [...shape] });
  }
  concat(name: string, xs: readonly string[], axis = 1): string {
    return this.node('Concat', name, xs, { axis });
  }
  add(name: string, xs: readonly string[]): string {
    return this.node('Add', name, xs);
  }
  mul(name: string, xs: readonly string[]): string {
    return this.node('Mul', name, xs);
  }
  channelShuffle(name: string, x: string, groups: number): string {
    return this.node('ChannelShuffle', name, x, { groups });
  }
  graphConv(name: string, features: string, adjacency: string, units: number, bias?: boolean): string {
    return this.node('GraphConv', name, [features, adjacency], { units, bias });
  }
  nonLocal(name: string, x: string, a: { mode?: string; inner?: number; residual?: boolean } = {}): string {
    return this.node('NonLocal', name, x, { ...a });
  }

  /** The graph; outputs default to the last node added. */
  build(outputs?: string | readonly string[]): ModelGraph {
    const last = this.nodes[this.nodes.length - 1];
    const outs = outputs === undefined ? (last ? [last.name] : []) : typeof outputs === 'string' ? [outputs] : [...outputs];
    for (const o of outs) if (!this.names.has(o)) throw new GraphError(`builder "${this.name}": output "${o}" is not a node`, o);
    return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: this.name, nodes: this.nodes.map((n) => ({ ...n, inputs: [...n.inputs] })), outputs: outs };
  }
}
