/**
 * The optimizer update inside the training-step graph, the same formulas as core/train/optimizers.ts
 * (PyTorch's), in float32:
 *   SGD:   d = g + wd w;  buf' = mu buf + d;  step = nesterov ? d + mu buf' : buf';  w' = w - lr step
 *   Adam:  g += wd w;  m' = b1 m + (1-b1) g;  v' = b2 v + (1-b2) g^2;
 *          w' = w - lr (m'/(1-b1^t)) / (sqrt(v'/(1-b2^t)) + eps)
 *   AdamW: w -= lr wd w first (decoupled), then Adam without the L2 term.
 * `t` is the graph input "step" (1 for the first update). The SGD buffer starts at zero, so its first
 * value is d, as PyTorch's (and the core's) buffer initialised with the first gradient.
 */
import type { OptimizerConfig } from '../train/optimizers';
import type { TrainBuilder } from './train-graph-builder';

export type SlotName = 'buf' | 'm' | 'v';

/** The optimizer state slots one trainable param carries (the core's slot names). */
export function slotsOf(config: OptimizerConfig): SlotName[] {
  if (config.kind === 'sgd') return (config.momentum ?? 0) > 0 ? ['buf'] : [];
  return ['m', 'v'];
}

export interface UpdateValues {
  w: string;
  g: string;
  slots: Readonly<Partial<Record<SlotName, string>>>;
}

export interface UpdateOut {
  w: string;
  slots: Partial<Record<SlotName, string>>;
}

export class OptimizerEmitter {
  private bc: { bc1: string; bc2: string } | null = null;

  constructor(
    private readonly b: TrainBuilder,
    private readonly config: OptimizerConfig,
    private readonly lr: string,
    private readonly step: string,
  ) {}

  private corrections(b1: number, b2: number): { bc1: string; bc2: string } {
    if (!this.bc) {
      const b = this.b;
      const bc1 = b.sub(b.f32(1), b.op('Pow', [b.f32(b1), this.step]), 'adam/bc1');
      const bc2 = b.sub(b.f32(1), b.op('Pow', [b.f32(b2), this.step]), 'adam/bc2');
      this.bc = { bc1, bc2 };
    }
    return this.bc;
  }

  update(p: UpdateValues): UpdateOut {
    const b = this.b;
    const c = this.config;
    const wd = c.weightDecay ?? 0;
    if (c.kind === 'sgd') {
      const mu = c.momentum ?? 0;
      const d = wd > 0 ? b.add(p.g, b.mul(p.w, b.f32(wd))) : p.g;
      if (mu === 0) return { w: b.sub(p.w, b.mul(d, this.lr)), slots: {} };
      const buf = p.slots.buf;
      if (!buf) throw new Error('optimizer sgd: the momentum buffer input is missing');
      const next = b.add(b.mul(buf, b.f32(mu)), d, 'sgd/buf');
      const stepV = c.nesterov ? b.add(d, b.mul(next, b.f32(mu))) : next;
      return { w: b.sub(p.w, b.mul(stepV, this.lr)), slots: { buf: next } };
    }
    const b1 = c.beta1 ?? 0.9;
    const b2 = c.beta2 ?? 0.999;
    const eps = c.eps ?? 1e-8;
    const { m, v } = p.slots;
    if (!m || !v) throw new Error(`optimizer ${c.kind}: the moment inputs are missing`);
    const decoupled = c.kind === 'adamw';
    const g = !decoupled && wd > 0 ? b.add(p.g, b.mul(p.w, b.f32(wd))) : p.g;
    const m2 = b.add(b.mul(m, b.f32(b1)), b.mul(g, b.f32(1 - b1)), 'adam/m');
    const v2 = b.add(b.mul(v, b.f32(b2)), b.mul(b.mul(g, g), b.f32(1 - b2)), 'adam/v');
    const w1 = decoupled && wd > 0 ? b.sub(p.w, b.mul(p.w, b.mul(this.lr, b.f32(wd)))) : p.w;
    const { bc1, bc2 } = this.corrections(b1, b2);
    const num = b.mul(b.div(m2, bc1), this.lr);
    const den = b.add(b.op('Sqrt', [b.div(v2, bc2)]), b.f32(eps));
    return { w: b.sub(w1, b.div(num, den)), slots: { m: m2, v: v2 } };
  }
}
