/**
 * Weights for a graph: created from each op's ParamSpecs with a seeded Rng (same seed, same
 * weights: nodes are visited in topological order, params in spec order), counted, and checked
 * against a graph (a loaded file whose tensors do not fit names the node, param and shapes).
 */
import type { ParamInit, ParamSpec } from '../ops/types';
import type { Rng } from '../tensor/rng';
import { sameShape, shapeToString, sizeOf, Tensor } from '../tensor/tensor';
import { assertShapes, type ShapeOptions } from './shapes';
import { GraphError, type ModelGraph, type Weights } from './types';

/** Fill `data` from one init rule. he: N(0, 2/fanIn); glorot: U(+-sqrt(6/(fanIn+fanOut))). */
export function fillInit(data: Float32Array, init: ParamInit, rng: Rng): void {
  switch (init.kind) {
    case 'he': {
      const std = Math.sqrt(2 / Math.max(1, init.fanIn));
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
      return;
    }
    case 'glorot': {
      const bound = Math.sqrt(6 / Math.max(1, init.fanIn + init.fanOut));
      for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * bound;
      return;
    }
    case 'uniform':
      for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * init.bound;
      return;
    case 'normal':
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * init.std;
      return;
    case 'constant':
      data.fill(init.value);
      return;
  }
}

export function initParam(spec: ParamSpec, rng: Rng): Tensor {
  const t = new Tensor(spec.shape);
  fillInit(t.data, spec.init, rng);
  return t;
}

/** Fresh weights for every param of every node. Throws a GraphError if the graph is invalid. */
export function initWeights(graph: ModelGraph, rng: Rng, options: ShapeOptions = {}): Weights {
  const { order, info } = assertShapes(graph, options);
  const weights: Weights = {};
  for (const node of order) {
    const specs = info.get(node.name)?.params ?? [];
    if (specs.length === 0) continue;
    const entry: Record<string, Tensor> = {};
    for (const spec of specs) entry[spec.name] = initParam(spec, rng);
    weights[node.name] = entry;
  }
  return weights;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
  total: number;
}

export function countSpecs(specs: readonly ParamSpec[]): ParamCount {
  let trainable = 0;
  let nonTrainable = 0;
  for (const s of specs) {
    if (s.trainable) trainable += sizeOf(s.shape);
    else nonTrainable += sizeOf(s.shape);
  }
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}

/** Params of a whole graph from its specs (no weights needed). */
export function countGraphParams(graph: ModelGraph, options: ShapeOptions = {}): ParamCount {
  const { info } = assertShapes(graph, options);
  return countSpecs([...info.values()].flatMap((i) => i.params));
}

/** Number of values held in a weights object. */
export function countWeights(weights: Weights): number {
  let n = 0;
  for (const node of Object.values(weights)) for (const t of Object.values(node)) n += t.size;
  return n;
}

/** Every error where `weights` does not fit `graph`: missing, unexpected or misshapen tensors. */
export function checkWeights(graph: ModelGraph, weights: Weights, options: ShapeOptions = {}): GraphError[] {
  const { order, info } = assertShapes(graph, options);
  const errors: GraphError[] = [];
  const seen = new Set<string>();
  for (const node of order) {
    const specs = info.get(node.name)?.params ?? [];
    const have = weights[node.name] ?? {};
    seen.add(node.name);
    for (const spec of specs) {
      const t = have[spec.name];
      if (!t) errors.push(new GraphError(`${node.op} "${node.name}": missing weight "${spec.name}" (${shapeToString(spec.shape)})`, node.name));
      else if (!sameShape(t.shape, spec.shape)) {
        errors.push(
          new GraphError(
            `${node.op} "${node.name}": weight "${spec.name}" is ${shapeToString(t.shape)} but the node expects ${shapeToString(spec.shape)}`,
            node.name,
          ),
        );
      }
    }
    for (const name of Object.keys(have)) {
      if (!specs.some((s) => s.name === name)) errors.push(new GraphError(`${node.op} "${node.name}": unexpected weight "${name}"`, node.name));
    }
  }
  for (const name of Object.keys(weights)) {
    if (!seen.has(name)) errors.push(new GraphError(`weights for "${name}" but the graph has no such node`, name));
  }
  return errors;
}
