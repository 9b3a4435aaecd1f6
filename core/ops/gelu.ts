/**
 * GELU, exact form (ONNX Gelu with approximate = 'none'): y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)).
 * dy/dx = Phi(x) + x * phi(x) with phi the standard normal density.
 * FLOPs: 10 per element (erf counted as 6).
 */
import { defineUnary, noAttrs } from './unary';

/**
 * erfc via the Chebyshev fit of Numerical Recipes (erfcc): relative error below 1.2e-7 everywhere,
 * i.e. at float32 precision; erf = 1 - erfc keeps the absolute error below 1.2e-7.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function erf(x: number): number {
  // Near zero 1 - erfc cancels, so sum the Taylor series 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
  if (Math.abs(x) < 0.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 20 && Math.abs(term) > 1e-17; n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }
  return 1 - erfc(x);
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

export const gelu = defineUnary({
  type: 'GELU',
  summary: 'Gaussian error linear unit, exact erf form: x * Phi(x).',
  parseAttrs: noAttrs,
  // Phi(x) = 0.5 erfc(-x / sqrt 2): relatively accurate in both tails, unlike 0.5 (1 + erf).
  f: (x) => 0.5 * x * erfc(-x * INV_SQRT2),
  df: (x) => 0.5 * erfc(-x * INV_SQRT2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  flopsPerElement: 10,
});
