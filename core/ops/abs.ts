/** Abs: |x|; dy/dx = sign(x) (0 at 0, the subgradient PyTorch uses). FLOPs: 1 per element. */
import { defineUnary, noAttrs } from './unary';

export const abs = defineUnary({
  type: 'Abs',
  summary: 'Elementwise absolute value.',
  category: 'math',
  parseAttrs: noAttrs,
  f: (x) => Math.abs(x),
  df: (x) => Math.sign(x),
  flopsPerElement: 1,
});
