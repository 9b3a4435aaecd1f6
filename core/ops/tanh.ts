/** Tanh: y = tanh(x), dy/dx = 1 - y^2. FLOPs: 4 per element (tanh counted as 4). */
import { defineUnary, noAttrs } from './unary';

export const tanh = defineUnary({
  type: 'Tanh',
  summary: 'Hyperbolic tangent.',
  parseAttrs: noAttrs,
  f: Math.tanh,
  df: (_x, y) => 1 - y * y,
  flopsPerElement: 4,
});
