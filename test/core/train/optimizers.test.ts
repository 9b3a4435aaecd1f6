import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../core/tensor/tensor';
import type { Weights } from '../../../core/graph/types';
import { createOptimizer, type OptimizerConfig } from '../../../core/train/optimizers';

/** Run a one-parameter optimizer over a gradient sequence; return w after each step. */
function trace(config: OptimizerConfig, grads: number[], lr = 0.1, w0 = 1): number[] {
  const opt = createOptimizer(config);
  const weights: Weights = { n: { w: Tensor.from([1], [w0]) } };
  return grads.map((g) => {
    opt.step(weights, { n: { w: Tensor.from([1], [g]) } }, lr);
    return weights.n.w.data[0];
  });
}

describe('optimizers (hand-computed updates, lr 0.1, w0 1)', () => {
  it('plain SGD and L2 weight decay', () => {
    expect(trace({ kind: 'sgd' }, [0.5])[0]).toBeCloseTo(0.95, 6);
    // d = 0.5 + 0.1 * 1 = 0.6
    expect(trace({ kind: 'sgd', weightDecay: 0.1 }, [0.5])[0]).toBeCloseTo(0.94, 6);
  });

  it('SGD momentum: buf starts at g, then mu*buf + g', () => {
    const [a, b] = trace({ kind: 'sgd', momentum: 0.9 }, [0.5, 0.5]);
    expect(a).toBeCloseTo(0.95, 6); // buf 0.5
    expect(b).toBeCloseTo(0.855, 6); // buf 0.95
  });

  it('SGD Nesterov: step g + mu*buf', () => {
    const [a, b] = trace({ kind: 'sgd', momentum: 0.9, nesterov: true }, [0.5, 0.5]);
    expect(a).toBeCloseTo(0.905, 6); // 0.5 + 0.9*0.5
    expect(b).toBeCloseTo(0.7695, 6); // 0.5 + 0.9*0.95
  });

  it('Adam with bias correction', () => {
    const [a, b] = trace({ kind: 'adam' }, [0.5, -1]);
    expect(a).toBeCloseTo(0.9, 6);
    expect(b).toBeCloseTo(0.93661035, 6);
  });

  it('Adam with L2 decay differs from AdamW with decoupled decay', () => {
    const l2 = trace({ kind: 'adam', weightDecay: 0.1 }, [0.5, -1]);
    const dec = trace({ kind: 'adamw', weightDecay: 0.1 }, [0.5, -1]);
    expect(l2[0]).toBeCloseTo(0.9, 6);
    expect(l2[1]).toBeCloseTo(0.92526352, 6);
    expect(dec[0]).toBeCloseTo(0.89, 6);
    expect(dec[1]).toBeCloseTo(0.91771035, 6);
  });

  it('state round-trips: a restored optimizer continues exactly', () => {
    const config: OptimizerConfig = { kind: 'adam' };
    const a = createOptimizer(config);
    const wa: Weights = { n: { w: Tensor.from([2], [1, -1]) } };
    const grad = (s: number): Record<string, Record<string, Tensor>> => ({ n: { w: Tensor.from([2], [0.3 * s, -0.2]) } });
    a.step(wa, grad(1), 0.01);
    const saved = a.getState();
    const wb: Weights = { n: { w: wa.n.w.clone() } };
    const b = createOptimizer(config);
    b.setState(saved);
    a.step(wa, grad(2), 0.01);
    b.step(wb, grad(2), 0.01);
    expect(Array.from(wb.n.w.data)).toEqual(Array.from(wa.n.w.data));
    expect(() => createOptimizer({ kind: 'sgd' }).setState(saved)).toThrow(/adam state into a sgd/);
  });

  it('rejects bad settings with a reason', () => {
    expect(() => createOptimizer({ kind: 'sgd', momentum: 1.5 })).toThrow(/momentum/);
    expect(() => createOptimizer({ kind: 'sgd', nesterov: true })).toThrow(/nesterov/);
    expect(() => createOptimizer({ kind: 'adamw', weightDecay: -1 })).toThrow(/weightDecay/);
  });
});
