/** Softsign: x / (1 + |x|); dy/dx = 1 / (1 + |x|)^2. FLOPs: 3 per element. */
import { defineUnary, noAttrs } from './unary';

export const softsign = defineUnary({
  type: 'Softsign',
  summary: 'x / (1 + |x|).',
  parseAttrs: noAttrs,
  f: (x) => x / (1 + Math.abs(x)),
  df: (x) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))),
  flopsPerElement: 3,
});
