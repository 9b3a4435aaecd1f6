/**
 * SELU (ONNX Selu): gamma * (x for x > 0, alpha * (exp(x) - 1) otherwise), with the ONNX default
 * alpha 1.6732632 and gamma 1.0507010. dy/dx = gamma or y + gamma * alpha. FLOPs: 4 per element.
 */
import { num } from './attrs';
import { defineUnary } from './unary';

export interface SeluAttrs {
  alpha: number;
  gamma: number;
}

export const selu = defineUnary<SeluAttrs>({
  type: 'SELU',
  summary: 'Scaled ELU (self-normalising networks).',
  parseAttrs: (raw) => ({ alpha: num(raw, 'alpha', 1.67326319217681884765625), gamma: num(raw, 'gamma', 1.05070102214813232421875) }),
  f: (x, a) => a.gamma * (x > 0 ? x : a.alpha * Math.expm1(x)),
  df: (x, y, a) => (x > 0 ? a.gamma : y + a.gamma * a.alpha),
  flopsPerElement: 4,
});
