import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/tensor/rng';
import { initWeights } from '../../../core/graph/weights';
import type { ModelGraph, Weights } from '../../../core/graph/types';
import { splitDataset } from '../../../core/data/dataset';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../../core/train/checkpoint';
import { Trainer, type TrainConfig, type TrainEvent } from '../../../core/train/trainer';
import { blobs, mlp, node, referenceCrossEntropy } from './helpers';

const data = splitDataset(blobs(120, 7), { val: 20, test: 20 }, 1);
const base: TrainConfig = { epochs: 4, batchSize: 16, lr: 0.05, seed: 5, optimizer: { kind: 'sgd', momentum: 0.9 } };

function fresh(graph: ModelGraph): Weights {
  return initWeights(graph, new Rng(11), { batch: 1 });
}

function flat(w: Weights): number[] {
  return Object.keys(w)
    .sort()
    .flatMap((n) => Object.keys(w[n]).sort().flatMap((p) => Array.from(w[n][p].data)));
}

describe('Trainer', () => {
  it('a tiny model learns a tiny dataset: loss falls, accuracy rises, events are plain data', async () => {
    const g = mlp();
    const events: TrainEvent[] = [];
    let t = 0;
    const trainer = new Trainer(g, fresh(g), data, base, referenceCrossEntropy, { sink: (e) => events.push(e), now: () => (t += 5) });
    const r = await trainer.run();
    expect(r.status).toBe('completed');
    expect(r.history).toHaveLength(4);
    expect(r.history[3].trainLoss).toBeLessThan(r.history[0].trainLoss * 0.5);
    expect(r.history[3].valAccuracy ?? 0).toBeGreaterThanOrEqual(0.9);
    expect(r.test?.accuracy ?? 0).toBeGreaterThanOrEqual(0.9);
    expect(r.test?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(20);
    expect(r.imagesPerSec).toBeGreaterThan(0);
    expect(events[0].type).toBe('start');
    expect(events.filter((e) => e.type === 'step')).toHaveLength(4 * 5);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);
    expect(events[events.length - 1].type).toBe('done');
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('resuming from a mid-epoch checkpoint gives the same weights bit for bit', async () => {
    // Dropout and Adam make the check strict: RNG and optimizer state must both round-trip.
    const g = mlp(8, 3, [node('drop', 'Dropout', ['act'], { rate: 0.2 })]);
    const config: TrainConfig = { ...base, optimizer: { kind: 'adam' }, lr: 0.01, checkpointEverySteps: 3, augment: { shift: 1, flip: true } };
    const full = new Trainer(g, fresh(g), data, config, referenceCrossEntropy);
    const fullResult = await full.run();

    const saved: Uint8Array[] = [];
    let steps = 0;
    const first = new Trainer(g, fresh(g), data, config, referenceCrossEntropy, {
      saveCheckpoint: (cp) => void saved.push(encodeCheckpoint(cp)),
      sink: (e) => void (e.type === 'step' && steps++),
      cancelled: () => steps >= 8,
    });
    const partial = await first.run();
    expect(partial.status).toBe('cancelled');
    expect(partial.lastCheckpointStep).toBe(6);
    const cp = decodeCheckpoint(saved[saved.length - 1]);
    expect(cp.step).toBe(6);
    expect(cp.epoch).toBe(1);
    expect(cp.batchInEpoch).toBe(1);

    const resumed = new Trainer(g, fresh(g), data, config, referenceCrossEntropy);
    resumed.resume(cp);
    const rest = await resumed.run();
    expect(rest.status).toBe('completed');
    expect(flat(resumed.weights)).toEqual(flat(full.weights));
    expect(rest.history.map((h) => h.trainLoss)).toEqual(fullResult.history.map((h) => h.trainLoss));
    expect(rest.test?.accuracy).toBe(fullResult.test?.accuracy);
  });

  it('stops on NaN/Inf naming the step and keeps the last good checkpoint', async () => {
    const g = mlp();
    const saves: Checkpoint[] = [];
    const events: TrainEvent[] = [];
    // lr 1e-2 for 2 epochs (checkpoints at steps 5, 10), then the schedule jumps to 1e35.
    const config: TrainConfig = { ...base, lr: 1e-2, schedule: { kind: 'step', stepSize: 10, gamma: 1e37 } };
    const trainer = new Trainer(g, fresh(g), data, config, referenceCrossEntropy, {
      saveCheckpoint: (cp) => void saves.push(cp),
      sink: (e) => events.push(e),
    });
    const r = await trainer.run();
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/at step 1[1-9] \(epoch 3, batch \d\)/);
    expect(r.message).toMatch(/kept the last good checkpoint \(step 10\)/);
    expect(saves.map((s) => s.step)).toEqual([5, 10]);
    const last = saves[saves.length - 1];
    expect(flat(last.weights).every(Number.isFinite)).toBe(true);
    const stop = events.find((e) => e.type === 'stopped');
    expect(stop && stop.type === 'stopped' && stop.reason).toBe('diverged');
    expect(events.some((e) => e.type === 'done')).toBe(false);
  });

  it('checkpoints encode to bytes and decode exactly; corrupt bytes are refused', async () => {
    const g = mlp();
    const trainer = new Trainer(g, fresh(g), data, { ...base, epochs: 1, optimizer: { kind: 'adamw', weightDecay: 0.01 } }, referenceCrossEntropy);
    await trainer.run();
    const cp = trainer.checkpoint();
    const bytes = encodeCheckpoint(cp);
    const back = decodeCheckpoint(bytes);
    expect(flat(back.weights)).toEqual(flat(cp.weights));
    expect(back.optimizer.t).toBe(cp.optimizer.t);
    expect(Array.from(back.optimizer.slots['fc1/weight'].m)).toEqual(Array.from(cp.optimizer.slots['fc1/weight'].m));
    expect(back.history).toEqual(cp.history);
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.length - 40))).toThrow(/truncated/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeCheckpoint(bad)).toThrow(/magic/);
  });

  it('refuses bad configs and foreign checkpoints', () => {
    const g = mlp();
    expect(() => new Trainer(g, fresh(g), data, { ...base, batchSize: 0 }, referenceCrossEntropy)).toThrow(/batch size/);
    const t = new Trainer(g, fresh(g), data, base, referenceCrossEntropy);
    const cp = t.checkpoint();
    const other = new Trainer(g, fresh(g), data, { ...base, seed: 6 }, referenceCrossEntropy);
    expect(() => other.resume(cp)).toThrow(/seed 5/);
  });
});
