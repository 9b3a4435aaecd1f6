/**
 * Validation and shape inference for a graph at a batch size. Collects every node error
 * (a node whose input already failed is skipped, not reported twice) so the editor can mark
 * each invalid node. Messages read `Conv2D "c3" (input 1x3x28x28): ...`.
 */
import { getOp, hasOp } from '../ops/registry';
import type { OpDef, ParamSpec } from '../ops/types';
import { shapeToString, type Shape } from '../tensor/tensor';
import { topoSort } from './topo';
import { GraphError, type GraphNode, type ModelGraph } from './types';

/** The op name of graph inputs; attrs.shape is the per-sample shape, attrs.batch (optional) fixes the first dim. */
export const INPUT_OP = 'Input';

export type OpLookup = (type: string) => OpDef | undefined;

export const registryLookup: OpLookup = (type) => (hasOp(type) ? getOp(type) : undefined);

export interface NodeInfo {
  node: GraphNode;
  /** null for Input nodes. */
  op: OpDef | null;
  /** The op's parsed attributes (opaque here; passed back to the same op). */
  attrs: unknown;
  inputShapes: Shape[];
  outputShape: Shape;
  params: ParamSpec[];
}

export interface ShapeResult {
  order: GraphNode[];
  /** Only nodes whose shape could be inferred. */
  info: Map<string, NodeInfo>;
  errors: GraphError[];
}

export interface ShapeOptions {
  batch?: number;
  lookup?: OpLookup;
}

function describe(node: GraphNode, inputShapes: readonly Shape[]): string {
  if (inputShapes.length === 0) return `${node.op} "${node.name}"`;
  const label = inputShapes.length === 1 ? 'input' : 'inputs';
  return `${node.op} "${node.name}" (${label} ${inputShapes.map(shapeToString).join(', ')})`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function inputShape(node: GraphNode, batch: number): Shape {
  const shape = node.attrs.shape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new GraphError(`Input "${node.name}": attribute "shape" must be a list of positive integers, got ${JSON.stringify(shape)}`, node.name);
  }
  if (node.inputs.length > 0) throw new GraphError(`Input "${node.name}": an input node takes no inputs, got ${node.inputs.length}`, node.name);
  const fixed = node.attrs.batch;
  if (fixed !== undefined && !(typeof fixed === 'number' && Number.isInteger(fixed) && fixed > 0)) {
    throw new GraphError(`Input "${node.name}": attribute "batch" must be a positive integer, got ${JSON.stringify(fixed)}`, node.name);
  }
  return [fixed ?? batch, ...shape];
}

function checkArity(op: OpDef, count: number): string | null {
  const [min, max] = typeof op.arity === 'number' ? [op.arity, op.arity] : op.arity;
  if (count >= min && count <= max) return null;
  const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return `expects ${want} input(s), got ${count}`;
}

/** Infer every node's output shape and param specs; collect all errors. */
export function inferShapes(graph: ModelGraph, options: ShapeOptions = {}): ShapeResult {
  const batch = options.batch ?? 1;
  const lookup = options.lookup ?? registryLookup;
  const { order, errors } = topoSort(graph);
  const info = new Map<string, NodeInfo>();
  if (graph.outputs.length === 0) errors.push(new GraphError('the graph has no outputs'));

  for (const node of order) {
    if (node.op === INPUT_OP) {
      try {
        info.set(node.name, { node, op: null, attrs: node.attrs, inputShapes: [], outputShape: inputShape(node, batch), params: [] });
      } catch (e) {
        errors.push(e instanceof GraphError ? e : new GraphError(messageOf(e), node.name));
      }
      continue;
    }
    const op = lookup(node.op);
    if (!op) {
      errors.push(new GraphError(`${describe(node, [])}: unknown op type "${node.op}"`, node.name));
      continue;
    }
    const inputs = node.inputs.map((i) => info.get(i));
    if (inputs.some((i) => i === undefined)) continue; // an upstream error is already reported
    const inputShapes = inputs.flatMap((i) => (i ? [i.outputShape] : []));
    const arity = checkArity(op, inputShapes.length);
    if (arity) {
      errors.push(new GraphError(`${describe(node, inputShapes)}: ${arity}`, node.name));
      continue;
    }
    try {
      const attrs = op.parseAttrs(node.attrs);
      const outputShape = op.inferShape(inputShapes, attrs);
      if (!outputShape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new Error(`output size goes to ${shapeToString(outputShape)} (a spatial size reached zero or below)`);
      }
      const params = op.params(inputShapes, attrs);
      info.set(node.name, { node, op, attrs, inputShapes, outputShape, params });
    } catch (e) {
      errors.push(new GraphError(`${describe(node, inputShapes)}: ${messageOf(e)}`, node.name));
    }
  }
  return { order, info, errors };
}

/** Shape inference that throws the first error. */
export function assertShapes(graph: ModelGraph, options: ShapeOptions = {}): ShapeResult {
  const result = inferShapes(graph, options);
  if (result.errors.length > 0) throw result.errors[0];
  return result;
}
