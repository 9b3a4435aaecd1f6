/** Exp: e^x; dy/dx = y. FLOPs: 1 per element. */
import { defineUnary, noAttrs } from './unary';

export const exp = defineUnary({
  type: 'Exp',
  summary: 'Elementwise exponential.',
  category: 'math',
  parseAttrs: noAttrs,
  f: (x) => Math.exp(x),
  df: (_x, y) => y,
  flopsPerElement: 1,
});
