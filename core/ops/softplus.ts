/** Softplus: log(1 + exp(x)), computed stably; dy/dx = sigmoid(x). FLOPs: 3 per element. */
import { defineUnary, noAttrs } from './unary';

export const softplus = defineUnary({
  type: 'Softplus',
  summary: 'Smooth ReLU: log(1 + exp(x)).',
  parseAttrs: noAttrs,
  f: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  df: (x) => 1 / (1 + Math.exp(-x)),
  flopsPerElement: 3,
});
