/** Classification metrics over logits [N, K] (or any [N, K, ...] flattened per sample) and integer labels. */
import { shapeToString, type Tensor } from '../tensor/tensor';

function dims(logits: Tensor, labels: ArrayLike<number>): [number, number] {
  const n = logits.shape[0] ?? 0;
  if (logits.shape.length < 2 || n !== labels.length) {
    throw new Error(`metrics: logits ${shapeToString(logits.shape)} do not match ${labels.length} labels`);
  }
  return [n, logits.size / Math.max(1, n)];
}

/** Index of the largest value per row (first one on ties). */
export function argmax(logits: Tensor): Int32Array {
  const n = logits.shape[0] ?? 0;
  const k = logits.size / Math.max(1, n);
  const out = new Int32Array(n);
  const d = logits.data;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = d[i * k];
    for (let j = 1; j < k; j++) {
      const v = d[i * k + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Number of rows whose label is among the k largest logits (ties count against). */
export function topKCorrect(logits: Tensor, labels: ArrayLike<number>, k: number): number {
  const [n, c] = dims(logits, labels);
  const d = logits.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const target = d[i * c + y];
    let above = 0;
    for (let j = 0; j < c; j++) {
      const v = d[i * c + j];
      if (v > target || (v === target && j < y)) above++;
    }
    if (above < k) correct++;
  }
  return correct;
}

export function accuracy(logits: Tensor, labels: ArrayLike<number>): number {
  const [n] = dims(logits, labels);
  return n === 0 ? 0 : topKCorrect(logits, labels, 1) / n;
}

export function topKAccuracy(logits: Tensor, labels: ArrayLike<number>, k: number): number {
  const [n] = dims(logits, labels);
  return n === 0 ? 0 : topKCorrect(logits, labels, k) / n;
}

/** matrix[true][predicted] counts. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[][] {
  if (predicted.length !== labels.length) throw new Error(`confusion matrix: ${predicted.length} predictions for ${labels.length} labels`);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = predicted[i];
    if (y < 0 || y >= classes || p < 0 || p >= classes) throw new Error(`confusion matrix: class ${y} or ${p} outside 0..${classes - 1}`);
    m[y][p]++;
  }
  return m;
}

/** Add the rows of b into a (same size), for accumulating over batches. */
export function addConfusion(a: number[][], b: number[][]): void {
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) a[i][j] += b[i][j];
}
