/**
 * Pure, seeded augmentations on a batch [N, C, H, W] (or [N, C, D, H, W], shifted in H and W):
 * random translation by up to `shift` pixels with edge replication (the background stays
 * background whatever the normalisation) and optional horizontal flips. A new tensor is returned.
 */
import { Rng } from '../tensor/rng';
import { Tensor, shapeToString } from '../tensor/tensor';

export interface AugmentConfig {
  /** Largest translation in pixels along H and W (0 = none). */
  shift?: number;
  /** Mirror left-right with probability 1/2 (not for digits). */
  flip?: boolean;
}

export function augmentBatch(x: Tensor, config: AugmentConfig, rng: Rng): Tensor {
  const shift = config.shift ?? 0;
  if (shift === 0 && !config.flip) return x;
  if (x.shape.length < 4) throw new Error(`augment: needs [N, C, (D,) H, W] images, got ${shapeToString(x.shape)}`);
  const n = x.shape[0];
  const h = x.shape[x.shape.length - 2];
  const w = x.shape[x.shape.length - 1];
  const planes = x.size / (n * h * w);
  const out = new Tensor(x.shape);
  const src = x.data;
  const dst = out.data;
  for (let i = 0; i < n; i++) {
    const dy = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
    const dx = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
    const flip = config.flip === true && rng.next() < 0.5;
    for (let p = 0; p < planes; p++) {
      const base = (i * planes + p) * h * w;
      for (let yy = 0; yy < h; yy++) {
        const sy = Math.min(h - 1, Math.max(0, yy - dy));
        for (let xx = 0; xx < w; xx++) {
          const fx = flip ? w - 1 - xx : xx;
          const sx = Math.min(w - 1, Math.max(0, fx - dx));
          dst[base + yy * w + xx] = src[base + sy * w + sx];
        }
      }
    }
  }
  return out;
}
