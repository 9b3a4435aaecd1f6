/** Sigmoid: y = 1 / (1 + e^-x), written so neither branch overflows. dy/dx = y (1 - y). FLOPs: 4 per element (exp counted as 1). */
import { defineUnary, noAttrs } from './unary';

export function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export const sigmoid = defineUnary({
  type: 'Sigmoid',
  summary: 'Logistic sigmoid: 1 / (1 + exp(-x)).',
  parseAttrs: noAttrs,
  f: sigmoidOf,
  df: (_x, y) => y * (1 - y),
  flopsPerElement: 4,
});
