import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../core/tensor/tensor';
import { accuracy, argmax, confusionMatrix, topKAccuracy } from '../../../core/train/metrics';

const logits = Tensor.from([4, 3], [
  0.1, 0.7, 0.2, // pred 1, order 1>2>0
  0.9, 0.05, 0.05, // pred 0 (tie of 1 and 2 behind)
  0.2, 0.3, 0.5, // pred 2, order 2>1>0
  0.4, 0.4, 0.2, // tie: argmax takes the first (0)
]);
const labels = Int32Array.from([1, 2, 0, 1]);

describe('metrics', () => {
  it('argmax takes the first of equal maxima', () => {
    expect(Array.from(argmax(logits))).toEqual([1, 0, 2, 0]);
  });

  it('accuracy and top-k', () => {
    expect(accuracy(logits, labels)).toBe(0.25);
    // top-2: row0 yes, row1 label 2 ties with 1 (earlier index wins) -> no, row2 label 0 is last -> no, row3 label 1 second -> yes
    expect(topKAccuracy(logits, labels, 2)).toBe(0.5);
    expect(topKAccuracy(logits, labels, 3)).toBe(1);
  });

  it('confusion matrix rows are true classes', () => {
    expect(confusionMatrix(argmax(logits), labels, 3)).toEqual([
      [0, 0, 1],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expect(() => confusionMatrix([0], [5], 3)).toThrow(/outside/);
    expect(() => accuracy(logits, [1])).toThrow(/do not match/);
  });
});
