import { describe, expect, it } from 'vitest';
import { checkSchedule, learningRate } from '../../../core/train/schedules';

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect(learningRate({ kind: 'constant' }, 0.1, 0)).toBe(0.1);
    expect(learningRate({ kind: 'constant' }, 0.1, 999)).toBe(0.1);
  });

  it('step decay by gamma every stepSize steps', () => {
    const s = { kind: 'step', stepSize: 10, gamma: 0.5 } as const;
    expect(learningRate(s, 0.1, 9)).toBeCloseTo(0.1, 12);
    expect(learningRate(s, 0.1, 10)).toBeCloseTo(0.05, 12);
    expect(learningRate(s, 0.1, 25)).toBeCloseTo(0.025, 12);
  });

  it('cosine from lr to minLr over totalSteps, flat afterwards', () => {
    const s = { kind: 'cosine', totalSteps: 100, minLr: 0.01 } as const;
    expect(learningRate(s, 0.1, 0)).toBeCloseTo(0.1, 12);
    expect(learningRate(s, 0.1, 50)).toBeCloseTo(0.055, 12);
    expect(learningRate(s, 0.1, 100)).toBeCloseTo(0.01, 12);
    expect(learningRate(s, 0.1, 150)).toBeCloseTo(0.01, 12);
  });

  it('linear warm-up, then the decay counts from the end of warm-up', () => {
    const s = { kind: 'cosine', totalSteps: 14, warmupSteps: 4 } as const;
    [0.05, 0.1, 0.15, 0.2].forEach((lr, t) => expect(learningRate(s, 0.2, t)).toBeCloseTo(lr, 12));
    expect(learningRate(s, 0.2, 4)).toBeCloseTo(0.2, 12);
    expect(learningRate(s, 0.2, 9)).toBeCloseTo(0.1, 12);
    expect(learningRate(s, 0.2, 14)).toBeCloseTo(0, 12);
  });

  it('rejects bad configs', () => {
    expect(() => checkSchedule({ kind: 'step', stepSize: 0 })).toThrow(/stepSize/);
    expect(() => checkSchedule({ kind: 'cosine', totalSteps: 10, warmupSteps: -1 })).toThrow(/warmupSteps/);
  });
});
