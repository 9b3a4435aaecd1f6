/** Numpy-style broadcasting for the elementwise binary/variadic ops (Add, Mul). */
import { sameShape, shapeToString, sizeOf, stridesOf, type Shape } from '../tensor/tensor';
import { OpError } from './types';

/** The broadcast result of several shapes (right-aligned; each dim equal or 1), or a clear error. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new OpError(`${op}: shapes ${shapes.map(shapeToString).join(' vs ')} do not broadcast (dim ${o}: ${out[o]} vs ${d})`);
      }
    }
  }
  return out;
}

/**
 * For each flat index of `outShape`, the flat index into a tensor of `inShape` that broadcasts to it.
 * Returns null when the shapes are equal (the identity map).
 */
export function broadcastMap(inShape: Shape, outShape: Shape): Int32Array | null {
  if (sameShape(inShape, outShape)) return null;
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  // Stride per output dim into the input; 0 where the input is broadcast (missing or size 1).
  const st = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const o = rank - inShape.length + i;
    st[o] = inShape[i] === 1 ? 0 : inStrides[i];
  }
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let p = 0; p < n; p++) {
    map[p] = off;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += st[d];
      if (idx[d] < outShape[d]) break;
      off -= st[d] * idx[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** Sum a gradient over the output shape back to an input's shape through its broadcast map. */
export function reduceByMap(grad: Float32Array, map: Int32Array | null, inSize: number): Float32Array {
  if (!map) return grad.slice();
  const out = new Float32Array(inSize);
  for (let p = 0; p < grad.length; p++) out[map[p]] += grad[p];
  return out;
}
