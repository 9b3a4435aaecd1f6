/** Small shared checks for the basic ops: typed access to saved data, axis normalisation, shape errors. */
import { shapeToString, Tensor, type Shape } from '../tensor/tensor';
import { OpError } from './types';

/** Narrow ForwardResult.saved back to a Tensor, failing loudly when backward gets the wrong thing. */
export function savedTensor(op: string, saved: unknown): Tensor {
  if (!(saved instanceof Tensor)) throw new Error(`${op}: backward needs the tensor saved by forward`);
  return saved;
}

/** Narrow saved data to an instance of a class written by the op's forward. */
export function savedOf<T>(op: string, saved: unknown, cls: new (...args: never[]) => T): T {
  if (!(saved instanceof cls)) throw new Error(`${op}: backward needs the data saved by forward`);
  return saved;
}

/** A possibly negative axis resolved against a rank, with a message naming the op and shape. */
export function resolveAxis(op: string, axis: number, shape: Shape, allowEnd = false): number {
  const rank = shape.length;
  const limit = allowEnd ? rank + 1 : rank;
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= limit) {
    throw new OpError(`${op}: axis ${axis} is out of range for input ${shapeToString(shape)} (rank ${rank})`);
  }
  return a;
}

export function expectInputs(op: string, shapes: readonly Shape[], n: number): void {
  if (shapes.length !== n) throw new OpError(`${op}: expects ${n} input(s), got ${shapes.length}`);
}

export function expectMinRank(op: string, shape: Shape, min: number, what = 'input'): void {
  if (shape.length < min) {
    throw new OpError(`${op}: ${what} must have rank >= ${min} (N x C x ...), got ${shapeToString(shape) || 'a scalar'}`);
  }
}

/** Product of dims in [from, to). */
export function prod(shape: Shape, from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}
