/**
 * Optimizers over the weights record, updated in place. The formulas follow PyTorch's:
 *   SGD:   g += wd*w (L2);  buf = mu*buf + g;  step = nesterov ? g + mu*buf : buf;  w -= lr*step
 *   Adam:  g += wd*w (L2);  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;
 *          w -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 *   AdamW: w -= lr*wd*w (decoupled), then Adam without the L2 term.
 * State (step count and per-param buffers) is plain data, so a checkpoint can hold it.
 */
import type { Weights } from '../graph/types';
import type { Gradients } from './autograd';

export type OptimizerConfig =
  | { kind: 'sgd'; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { kind: 'adam'; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
  | { kind: 'adamw'; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };

export type OptimizerKind = OptimizerConfig['kind'];

/** Serialisable optimizer state: buffers keyed "node/param", then slot name ("m", "v", "buf"). */
export interface OptimizerState {
  kind: OptimizerKind;
  t: number;
  slots: Record<string, Record<string, Float32Array>>;
}

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Apply one update with learning rate lr to every param that has a gradient. */
  step(weights: Weights, grads: Gradients, lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}

function slot(state: OptimizerState, key: string, name: string, size: number): Float32Array {
  const rec = (state.slots[key] ??= {});
  let buf = rec[name];
  if (!buf) {
    buf = new Float32Array(size);
    rec[name] = buf;
  }
  if (buf.length !== size) throw new Error(`optimizer: state "${key}".${name} has ${buf.length} values, param has ${size}`);
  return buf;
}

function eachParam(weights: Weights, grads: Gradients, fn: (key: string, w: Float32Array, g: Float32Array) => void): void {
  for (const node of Object.keys(grads).sort()) {
    const gs = grads[node];
    for (const name of Object.keys(gs).sort()) {
      const w = weights[node]?.[name];
      if (!w) throw new Error(`optimizer: gradient for "${node}".${name} but no such weight`);
      const g = gs[name];
      if (g.size !== w.size) throw new Error(`optimizer: gradient for "${node}".${name} has ${g.size} values, weight has ${w.size}`);
      fn(`${node}/${name}`, w.data, g.data);
    }
  }
}

function checkConfig(c: OptimizerConfig): void {
  const wd = c.weightDecay ?? 0;
  if (!(wd >= 0)) throw new Error(`optimizer ${c.kind}: weightDecay must be >= 0, got ${wd}`);
  if (c.kind === 'sgd') {
    const mu = c.momentum ?? 0;
    if (!(mu >= 0 && mu < 1)) throw new Error(`optimizer sgd: momentum must be in [0, 1), got ${mu}`);
    if (c.nesterov && mu === 0) throw new Error('optimizer sgd: nesterov needs a momentum > 0');
  } else {
    const b1 = c.beta1 ?? 0.9;
    const b2 = c.beta2 ?? 0.999;
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new Error(`optimizer ${c.kind}: betas must be in [0, 1), got ${b1}, ${b2}`);
  }
}

export function createOptimizer(config: OptimizerConfig): Optimizer {
  checkConfig(config);
  let state: OptimizerState = { kind: config.kind, t: 0, slots: {} };
  const wd = config.weightDecay ?? 0;

  const sgdStep = (weights: Weights, grads: Gradients, lr: number, mu: number, nesterov: boolean): void => {
    eachParam(weights, grads, (key, w, g) => {
      const buf = mu > 0 ? slot(state, key, 'buf', w.length) : null;
      const first = state.t === 1;
      for (let i = 0; i < w.length; i++) {
        let d = g[i] + wd * w[i];
        if (buf) {
          // PyTorch starts the buffer at the first gradient.
          buf[i] = first ? d : mu * buf[i] + d;
          d = nesterov ? d + mu * buf[i] : buf[i];
        }
        w[i] -= lr * d;
      }
    });
  };

  const adamStep = (weights: Weights, grads: Gradients, lr: number, decoupled: boolean): void => {
    const c = config as Extract<OptimizerConfig, { kind: 'adam' | 'adamw' }>;
    const b1 = c.beta1 ?? 0.9;
    const b2 = c.beta2 ?? 0.999;
    const eps = c.eps ?? 1e-8;
    const bc1 = 1 - Math.pow(b1, state.t);
    const bc2 = 1 - Math.pow(b2, state.t);
    eachParam(weights, grads, (key, w, g) => {
      const m = slot(state, key, 'm', w.length);
      const v = slot(state, key, 'v', w.length);
      for (let i = 0; i < w.length; i++) {
        let gi = g[i];
        if (decoupled) w[i] -= lr * wd * w[i];
        else gi += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
      }
    });
  };

  return {
    config,
    step(weights, grads, lr) {
      if (!Number.isFinite(lr)) throw new Error(`optimizer ${config.kind}: learning rate must be finite, got ${lr}`);
      state.t += 1;
      if (config.kind === 'sgd') sgdStep(weights, grads, lr, config.momentum ?? 0, config.nesterov ?? false);
      else adamStep(weights, grads, lr, config.kind === 'adamw');
    },
    getState() {
      const slots: OptimizerState['slots'] = {};
      for (const [k, rec] of Object.entries(state.slots)) {
        slots[k] = {};
        for (const [s, buf] of Object.entries(rec)) slots[k][s] = buf.slice();
      }
      return { kind: state.kind, t: state.t, slots };
    },
    setState(s) {
      if (s.kind !== config.kind) throw new Error(`optimizer: cannot load ${s.kind} state into a ${config.kind} optimizer`);
      const slots: OptimizerState['slots'] = {};
      for (const [k, rec] of Object.entries(s.slots)) {
        slots[k] = {};
        for (const [name, buf] of Object.entries(rec)) slots[k][name] = buf.slice();
      }
      state = { kind: s.kind, t: s.t, slots };
    },
  };
}
