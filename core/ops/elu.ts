/** ELU (ONNX Elu): x for x > 0, alpha * (exp(x) - 1) otherwise; dy/dx = 1 or y + alpha. FLOPs: 3 per element. */
import { num } from './attrs';
import { defineUnary } from './unary';

export interface EluAttrs {
  alpha: number;
}

export const elu = defineUnary<EluAttrs>({
  type: 'ELU',
  summary: 'Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise.',
  parseAttrs: (raw) => ({ alpha: num(raw, 'alpha', 1) }),
  f: (x, a) => (x > 0 ? x : a.alpha * Math.expm1(x)),
  df: (x, y, a) => (x > 0 ? 1 : y + a.alpha),
  flopsPerElement: 3,
});
