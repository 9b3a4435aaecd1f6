/**
 * Index maps for the data-movement ops (Pad, Slice, Transpose): for every output element, the flat
 * input index it copies (or -1 for a constant fill). Forward gathers, backward scatters-adds, so
 * backward is exact whatever the map (reflect/edge padding reuse input elements).
 */
import { sizeOf, stridesOf, Tensor, type Shape } from '../tensor/tensor';

/** Per output axis, a table from output coordinate to input coordinate (-1: outside). */
export function axisMapped(outShape: Shape, inShape: Shape, tables: readonly Int32Array[]): Int32Array {
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let p = 0; p < n; p++) {
    let off = 0;
    for (let d = 0; d < rank; d++) {
      const i = tables[d][idx[d]];
      if (i < 0) {
        off = -1;
        break;
      }
      off += i * inStrides[d];
    }
    map[p] = off;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return map;
}

/** Output element p = input element map[p] (or `fill` where map[p] < 0). */
export function gather(x: Tensor, outShape: Shape, map: Int32Array, fill = 0): Tensor {
  const out = new Tensor(outShape);
  for (let p = 0; p < map.length; p++) out.data[p] = map[p] < 0 ? fill : x.data[map[p]];
  return out;
}

/** The adjoint of gather: dx[map[p]] += dy[p]. */
export function scatterAdd(dy: Tensor, inShape: Shape, map: Int32Array): Tensor {
  const dx = new Tensor(inShape);
  for (let p = 0; p < map.length; p++) if (map[p] >= 0) dx.data[map[p]] += dy.data[p];
  return dx;
}
