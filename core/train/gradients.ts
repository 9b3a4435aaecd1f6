/**
 * One training computation: forward in training mode, loss on the first output, reverse walk.
 * Environment-free, so main/ can run it on a shard of a batch in each worker thread and sum the
 * results: with `scale` = shard size / batch size, the sum of the shards' gradients equals the
 * gradient of the mean loss over the whole batch.
 */
import type { Weights } from '../graph/types';
import { Rng } from '../tensor/rng';
import type { Tensor } from '../tensor/tensor';
import type { Batch, Dataset } from '../data/dataset';
import { gatherBatch } from '../data/dataset';
import { outputOf, runBackward, runForward, singleFeed, type CompiledGraph, type Gradients } from './autograd';
import { addConfusion, argmax, confusionMatrix } from './metrics';

/** Mean loss over the batch and its gradient with respect to the logits. */
export interface LossResult {
  loss: number;
  grad: Tensor;
}
export type LossFn = (logits: Tensor, labels: Int32Array) => LossResult;

export type StateUpdate = Record<string, Record<string, Tensor>>;

export interface GradientResult {
  /** Mean loss over the samples of this (partial) batch. */
  loss: number;
  /** Top-1 hits among them. */
  correct: number;
  count: number;
  grads: Gradients;
  /** Non-trainable values produced by this pass (BatchNorm running stats), applied after the step. */
  state: StateUpdate;
}

/** A reproducible seed for the random parts of one forward pass (dropout): depends on run seed, step and shard only. */
export function passSeed(seed: number, step: number, shard = 0): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (step + 0x632be5ab), 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ (shard + 0x1b873593), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

export interface GradientOptions {
  loss: LossFn;
  seed: number;
  /** Multiplies the loss gradient (shard size / batch size when summing shards). Default 1. */
  scale?: number;
}

export function computeGradients(cg: CompiledGraph, weights: Weights, batch: Batch, opts: GradientOptions): GradientResult {
  const tape = runForward(cg, weights, singleFeed(cg, batch.x), { training: true, rng: new Rng(opts.seed) });
  const logits = outputOf(cg, tape);
  const { loss, grad } = opts.loss(logits, batch.y);
  const scale = opts.scale ?? 1;
  if (scale !== 1) for (let i = 0; i < grad.data.length; i++) grad.data[i] *= scale;
  const grads = runBackward(cg, tape, weights, [grad]);
  const pred = argmax(logits);
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === batch.y[i]) correct++;
  const state: StateUpdate = {};
  tape.state.forEach((rec, i) => {
    if (rec) state[cg.nodes[i].node.name] = rec;
  });
  return { loss, correct, count: batch.y.length, grads, state };
}

/**
 * Combine shard results: gradients summed (each shard was already scaled), loss and state
 * averaged with weights proportional to shard size.
 */
export function combineResults(parts: readonly GradientResult[]): GradientResult {
  if (parts.length === 1) return parts[0];
  const count = parts.reduce((s, p) => s + p.count, 0);
  const grads: Gradients = {};
  for (const p of parts) {
    for (const [node, rec] of Object.entries(p.grads)) {
      const target = (grads[node] ??= {});
      for (const [name, g] of Object.entries(rec)) {
        const t = target[name];
        if (!t) target[name] = g.clone();
        else for (let i = 0; i < t.data.length; i++) t.data[i] += g.data[i];
      }
    }
  }
  const state: StateUpdate = {};
  for (const p of parts) {
    const w = p.count / count;
    for (const [node, rec] of Object.entries(p.state)) {
      const target = (state[node] ??= {});
      for (const [name, s] of Object.entries(rec)) {
        let t = target[name];
        if (!t) {
          t = s.clone();
          t.data.fill(0);
          target[name] = t;
        }
        for (let i = 0; i < t.data.length; i++) t.data[i] += w * s.data[i];
      }
    }
  }
  const loss = parts.reduce((s, p) => s + (p.loss * p.count) / count, 0);
  const correct = parts.reduce((s, p) => s + p.correct, 0);
  return { loss, correct, count, grads, state };
}

/** Write a state update into the weights in place. */
export function applyStateUpdate(weights: Weights, state: StateUpdate): void {
  for (const [node, rec] of Object.entries(state)) {
    const target = (weights[node] ??= {});
    for (const [name, t] of Object.entries(rec)) {
      const w = target[name];
      if (w && w.size === t.size) w.data.set(t.data);
      else target[name] = t.clone();
    }
  }
}

/** True when every value of every tensor is finite; otherwise the first offender. */
export function firstNonFinite(rec: Record<string, Record<string, Tensor>>): string | null {
  for (const [node, params] of Object.entries(rec)) {
    for (const [name, t] of Object.entries(params)) {
      const d = t.data;
      for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return `${node}.${name}[${i}] = ${d[i]}`;
    }
  }
  return null;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
  /** confusion[true][predicted] */
  confusion: number[][];
}

/** Loss, accuracy and confusion matrix in eval mode (BatchNorm uses running stats, no dropout). */
export function evaluate(cg: CompiledGraph, weights: Weights, ds: Dataset, loss: LossFn, batchSize = 256): EvalResult {
  const k = ds.classNames.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const order = Int32Array.from({ length: ds.length }, (_, i) => i);
  let lossSum = 0;
  let correct = 0;
  const rng = new Rng(0);
  for (let start = 0; start < ds.length; start += batchSize) {
    const batch = gatherBatch(ds, order, start, start + batchSize);
    const tape = runForward(cg, weights, singleFeed(cg, batch.x), { training: false, rng });
    const logits = outputOf(cg, tape);
    lossSum += loss(logits, batch.y).loss * batch.y.length;
    const pred = argmax(logits);
    for (let i = 0; i < pred.length; i++) if (pred[i] === batch.y[i]) correct++;
    addConfusion(confusion, confusionMatrix(pred, batch.y, k));
  }
  const n = Math.max(1, ds.length);
  return { loss: lossSum / n, accuracy: correct / n, count: ds.length, confusion };
}
