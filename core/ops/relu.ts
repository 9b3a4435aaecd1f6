/** ReLU: y = max(0, x). Gradient 0 at x <= 0 (PyTorch's convention at exactly 0). FLOPs: 1 per element (the compare). */
import { defineUnary, noAttrs } from './unary';

function bits(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

export const relu = defineUnary({
  type: 'ReLU',
  summary: 'Rectified linear unit: max(0, x).',
  parseAttrs: noAttrs,
  f: (x) => (x > 0 ? x : 0),
  df: (x) => (x > 0 ? 1 : 0),
  flopsPerElement: 1,
  // Branch-free loops on the float bits (a data-dependent branch mispredicts on half of the
  // elements; profiled at ~3x the cost): a set sign bit (negative, -0, -Inf) gives +0, else x.
  forwardLoop(x, y) {
    const xi = bits(x);
    const yi = bits(y);
    for (let i = 0; i < xi.length; i++) {
      const b = xi[i];
      yi[i] = b & ~(b >> 31);
    }
  },
  // y > 0 exactly where x > 0; y's bits are then a positive int, so -y >> 31 is all ones there, 0 elsewhere.
  backwardLoop(_x, y, dy, dx) {
    const yi = bits(y);
    const gi = bits(dy);
    const di = bits(dx);
    for (let i = 0; i < yi.length; i++) di[i] = gi[i] & (-yi[i] >> 31);
  },
});
