import { describe, expect, it } from 'vitest';
import { erf, erfc, gelu } from '../../../core/ops/gelu';
import { checkOp } from './oracle';

/** erf by its Taylor series in float64 (converges for all x; cancellation is harmless below |x| = 3). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
    if (Math.abs(term) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('GELU (exact erf form)', () => {
  it('erf agrees with tabulated values and the Taylor series to ~1e-7', () => {
    // Abramowitz & Stegun table 7.1.
    expect(Math.abs(erf(0.5) - 0.5204998778130465)).toBeLessThan(2e-7);
    expect(Math.abs(erf(1) - 0.8427007929497149)).toBeLessThan(2e-7);
    expect(Math.abs(erf(2) - 0.9953222650189527)).toBeLessThan(2e-7);
    expect(erf(0)).toBe(0);
    expect(erf(-1)).toBeCloseTo(-erf(1), 15);
    let worst = 0;
    for (let x = -3; x <= 3; x += 0.01) worst = Math.max(worst, Math.abs(erf(x) - erfSeries(x)));
    expect(worst).toBeLessThan(2e-7);
  });

  it('erfc is relatively accurate deep in the tail', () => {
    // erfc(4) = 1.541725790028002e-8, erfc(6) = 2.151973671249892e-17.
    expect(Math.abs(erfc(4) / 1.541725790028002e-8 - 1)).toBeLessThan(2e-7);
    expect(Math.abs(erfc(6) / 2.151973671249892e-17 - 1)).toBeLessThan(2e-7);
  });

  it('matches x * Phi(x) and FD gradients', () => {
    checkOp({
      op: gelu,
      attrs: {},
      inputs: [[2, 4, 3, 3]],
      reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v) => 0.5 * v * (1 + erfSeries(v / Math.SQRT2))) }),
    });
  });

  it('hand values (PyTorch gelu approximate=none)', () => {
    const f = (x: number): number => 0.5 * x * erfc(-x / Math.SQRT2);
    expect(f(1)).toBeCloseTo(0.8413447460685429, 6);
    expect(f(-1)).toBeCloseTo(-0.15865525393145707, 6);
    // Phi(-5) = 2.866515718791939e-7, so GELU(-5) = -1.4332578593959695e-6: the tail keeps its relative accuracy.
    expect(Math.abs(f(-5) / -1.4332578593959695e-6 - 1)).toBeLessThan(1e-6);
  });
});
