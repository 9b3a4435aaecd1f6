import { describe, expect, it } from 'vitest';
import { clock, emptyRun, foldProgress } from '../../../../renderer/src/lib/training/run-state';

describe('training run state', () => {
  it('folds backend, step, epoch and done events into series', () => {
    let s = emptyRun();
    s = foldProgress(s, { done: 0, total: 20, labels: { event: 'backend', backend: 'core', fallbackReason: 'no ORT training' } });
    s = foldProgress(s, { done: 0, total: 20, labels: { event: 'start' }, metrics: { trainSize: 256 } });
    s = foldProgress(s, { done: 5, total: 20, labels: { event: 'step' }, metrics: { step: 5, loss: 2.1, imagesPerSec: 800, etaSeconds: 3 } });
    s = foldProgress(s, { done: 10, total: 20, labels: { event: 'step' }, metrics: { step: 10, loss: 1.5, imagesPerSec: 900, etaSeconds: 2 } });
    s = foldProgress(s, { done: 10, total: 20, labels: { event: 'epoch' }, metrics: { epoch: 1, trainLoss: 1.8, trainAccuracy: 0.5, valLoss: 1.6, valAccuracy: 0.55 } });
    s = foldProgress(s, { done: 20, total: 20, labels: { event: 'done' }, metrics: { testLoss: 1.2, testAccuracy: 0.6 } });
    expect(s.backend).toBe('core');
    expect(s.fallbackReason).toBe('no ORT training');
    expect(s.steps).toEqual([
      { step: 5, loss: 2.1 },
      { step: 10, loss: 1.5 },
    ]);
    expect(s.epochs).toEqual([{ epoch: 1, trainLoss: 1.8, trainAccuracy: 0.5, valLoss: 1.6, valAccuracy: 0.55 }]);
    expect(s.imagesPerSec).toBe(900);
    expect(s.etaSeconds).toBe(0);
    expect(s.test).toEqual({ loss: 1.2, accuracy: 0.6 });
    expect([s.done, s.total]).toEqual([20, 20]);
  });

  it('ignores events without the numbers it charts and formats clocks', () => {
    const s = foldProgress(emptyRun(), { done: 1, total: 2, labels: { event: 'step' }, metrics: {} });
    expect(s.steps).toEqual([]);
    expect(clock(75)).toBe('1:15');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(undefined)).toBe('—');
  });
});
